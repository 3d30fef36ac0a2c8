namespace Lakehouse.Geo;

/// <summary>How a choropleth divides its values into classes.</summary>
public enum ClassificationMethod
{
    /// <summary>Quantiles: each class holds about the same number of values; good for ranking, hides gaps.</summary>
    Quantile = 0,

    /// <summary>
    /// Jenks natural breaks (Fisher's exact optimisation): the classes minimise the sum of squared deviations from
    /// their means, so breaks fall in the gaps of the data.
    /// </summary>
    Jenks = 1,
}
