using System.Globalization;
using Lakehouse.Medallion;

namespace Lakehouse.Benchmarks.Medallion;

/// <summary>
/// Generated sari-sari baskets (fixed seed) from five shopper habits, with noise: morning tingi (one or two snacks or
/// drinks, cash), afternoon merienda (snacks and drinks, cash or GCash), evening restock (household and personal care,
/// GCash or Maya), late-night drinks and cigarettes (cash), payday stock-up (big, card or GCash, often a campaign).
/// </summary>
internal static class BasketCorpus
{
    private static readonly string[] Payments = ["cash", "gcash", "maya", "card", "other"];

    public static List<SilverTransaction> Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, PhilippineTime.Offset);
        var list = new List<SilverTransaction>(count);
        for (int i = 0; i < count; i++)
        {
            double habit = random.NextDouble();
            (string Category, int MinQty, int MaxQty, int MinPrice, int MaxPrice)[] basket;
            double hour;
            string payment;
            bool campaign = random.Next(20) == 0;
            if (habit < 0.40)
            {
                basket = [(random.Next(2) == 0 ? "snacks" : "beverages", 1, 2, 8, 35)];
                hour = Normal(random, 8, 1.3);
                payment = random.Next(10) < 9 ? "cash" : "gcash";
            }
            else if (habit < 0.60)
            {
                basket = [("snacks", 1, 3, 10, 40), ("beverages", 1, 2, 15, 60)];
                hour = Normal(random, 15, 1.5);
                payment = random.Next(10) < 6 ? "cash" : "gcash";
            }
            else if (habit < 0.75)
            {
                basket = [("household", 1, 3, 40, 180), ("personal_care", 1, 3, 30, 150), ("other", 0, 1, 20, 80)];
                hour = Normal(random, 19, 1.2);
                payment = random.Next(10) < 6 ? "gcash" : "maya";
            }
            else if (habit < 0.90)
            {
                basket = [("tobacco", 1, 3, 8, 160), ("beverages", 1, 2, 40, 120)];
                hour = Normal(random, 23, 1.0);
                payment = random.Next(10) < 8 ? "cash" : "gcash";
            }
            else
            {
                basket = [("household", 2, 6, 50, 250), ("personal_care", 2, 5, 40, 200), ("snacks", 2, 8, 10, 60), ("beverages", 2, 6, 15, 90)];
                hour = Normal(random, 17, 3);
                payment = random.Next(10) < 5 ? "card" : "gcash";
                campaign = random.Next(2) == 0;
            }

            if (random.Next(20) == 0)
            {
                payment = Payments[random.Next(Payments.Length)];
            }

            var lines = new List<SilverLineItem>();
            foreach ((string category, int minQty, int maxQty, int minPrice, int maxPrice) in basket)
            {
                int qty = random.Next(minQty, maxQty + 1);
                if (qty == 0)
                {
                    continue;
                }

                decimal price = random.Next(minPrice * 100, maxPrice * 100 + 1) / 100m;
                lines.Add(new SilverLineItem(lines.Count + 1, "P" + category, null, category, qty, price, qty * price, 0m));
            }

            decimal total = lines.Sum(l => l.LineAmount);
            int minute = (int)(((hour % 24 + 24) % 24) * 60);
            DateTimeOffset ts = start.AddDays(random.Next(0, 30)).AddMinutes(minute);
            list.Add(new SilverTransaction
            {
                StoreId = "S" + random.Next(1, 200).ToString(CultureInfo.InvariantCulture),
                TransactionId = "T" + i.ToString(CultureInfo.InvariantCulture),
                EventHash = [],
                Timestamp = ts,
                DateKey = PhilippineTime.DateKey(ts),
                TimeOfDay = PhilippineTime.TimeOfDayOf(ts),
                CustomerId = random.Next(3) == 0 ? null : "C" + random.Next(1, 20_000).ToString(CultureInfo.InvariantCulture),
                TotalAmount = total,
                NetAmount = total,
                PesoValue = total,
                PaymentMethod = payment,
                ItemCount = lines.Count,
                UniqueProducts = lines.Count,
                Units = lines.Sum(l => l.Quantity),
                CampaignId = campaign ? "PAYDAY" : null,
                Lines = lines,
            });
        }

        return list;
    }

    private static double Normal(Random random, double mean, double sd) =>
        mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
