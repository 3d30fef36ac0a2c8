using System.CommandLine;
using System.Globalization;
using CsvHelper;
using Lakehouse.Geo;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse psgc …</c>: Philippine place names and PSGC codes.</summary>
internal static class PsgcCommands
{
    private static readonly string[] s_added =
        ["status", "region_code", "province_code", "citymun_code", "region_name", "province_name", "citymun_name", "confidence",
            "barangay_code", "barangay_name", "reason", "candidates"];

    public static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "CSV with a header holding region, province, city and/or barangay columns ('-' or omitted: standard input)." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the CSV with the PSGC columns added ('-' or omitted: standard output)." };
        var resolve = new Command("resolve", $"Resolve messy region/province/city/barangay columns to PSGC codes ({PsgcResolver.PsgcVersion}).")
        {
            input,
            output,
        };
        resolve.SetAction(async (parse, cancellationToken) =>
        {
            string? inPath = parse.GetValue(input);
            string? outPath = parse.GetValue(output);
            using TextReader reader = string.IsNullOrEmpty(inPath) || inPath == "-" ? Console.In : new StreamReader(inPath);
            TextWriter writer = string.IsNullOrEmpty(outPath) || outPath == "-" ? parse.InvocationConfiguration.Output : new StreamWriter(outPath);
            try
            {
                int rows = await ResolveCsvAsync(reader, writer, new PsgcResolver(), cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Error.WriteLineAsync($"{rows} row(s) resolved").ConfigureAwait(false);
                return 0;
            }
            catch (InvalidDataException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 2;
            }
            finally
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (!ReferenceEquals(writer, parse.InvocationConfiguration.Output))
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
            }
        });

        return new Command("psgc", "Philippine Standard Geographic Code: resolve typed places.") { resolve };
    }

    /// <summary>Copies a CSV, adding the resolution columns to each row. Columns are found by header name (case-insensitive); extra columns are kept.</summary>
    /// <returns>The number of data rows written.</returns>
    internal static async Task<int> ResolveCsvAsync(TextReader input, TextWriter output, PsgcResolver resolver, CancellationToken cancellationToken = default)
    {
        using CsvReader csvIn = CsvReader.Create(input, new CsvReaderOptions { Separator = ',' }, leaveOpen: true);
        await using CsvWriter csvOut = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        await csvIn.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        string[] header = [.. csvIn.Headers];
        if (header.Length == 0)
        {
            throw new InvalidDataException("the input has no header row");
        }

        int Find(string name) => Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        int region = Find("region");
        int province = Find("province");
        int city = Find("city");
        if (city < 0)
        {
            city = Find("citymun");
        }

        if (city < 0)
        {
            city = Find("municipality");
        }

        int barangay = Find("barangay");
        if (barangay < 0)
        {
            barangay = Find("brgy");
        }

        if (region < 0 && province < 0 && city < 0)
        {
            throw new InvalidDataException("the header has none of the columns region, province, city");
        }

        csvOut.WriteHeader([.. header, .. s_added]);
        int rows = 0;
        while (await csvIn.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string[] record = [.. Enumerable.Range(0, header.Length).Select(i => csvIn.GetString(i))];
            string? Get(int i) => i >= 0 ? record[i] : null;
            PlaceResolution r = barangay >= 0
                ? resolver.Resolve(Get(region), Get(province), Get(city), Get(barangay))
                : resolver.Resolve(Get(region), Get(province), Get(city));
            foreach (string field in record)
            {
                csvOut.WriteField(field);
            }

            csvOut.WriteField(StatusText(r.Status));
            csvOut.WriteField(r.RegionCode ?? "");
            csvOut.WriteField(r.ProvinceCode ?? "");
            csvOut.WriteField(r.CityMunicipalityCode ?? "");
            csvOut.WriteField(r.RegionName ?? "");
            csvOut.WriteField(r.ProvinceName ?? "");
            csvOut.WriteField(r.CityMunicipalityName ?? "");
            csvOut.WriteField(r.Confidence.ToString("0.###", CultureInfo.InvariantCulture));
            csvOut.WriteField(r.BarangayCode ?? "");
            csvOut.WriteField(r.BarangayName ?? "");
            csvOut.WriteField(r.Reason ?? "");
            csvOut.WriteField(string.Join(';', r.Candidates.Select(c => c.Code)));
            await csvOut.EndRecordAsync(cancellationToken).ConfigureAwait(false);
            rows++;
        }

        await csvOut.FlushAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    internal static string StatusText(PlaceMatchStatus status) => status switch
    {
        PlaceMatchStatus.Exact => "exact",
        PlaceMatchStatus.Fuzzy => "fuzzy",
        PlaceMatchStatus.Ambiguous => "ambiguous",
        PlaceMatchStatus.Conflict => "conflict",
        _ => "not_found",
    };
}
