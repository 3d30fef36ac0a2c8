namespace Lakehouse.Geo;

/// <summary>One area of a <see cref="Choropleth"/>: a boundary feature with the value it is coloured by.</summary>
/// <param name="Feature">The polygon and its properties.</param>
/// <param name="Value">The value, or <see langword="null"/> when the metric has none for it (drawn as no data).</param>
/// <param name="ValueCode">
/// The metric code the value came from: the feature's own PSGC code, or on a province map its
/// <see cref="BoundaryFeature.ProvinceCode"/> (a city rolled up into its province) or, for NCR units, the region code.
/// </param>
/// <param name="Class">The 1-based class number, or <see langword="null"/> without a value.</param>
/// <param name="Color">The fill, <c>#rrggbb</c>.</param>
public readonly record struct ChoroplethArea(BoundaryFeature Feature, decimal? Value, string? ValueCode, int? Class, string Color);

/// <summary>One class of a <see cref="Choropleth"/>: values in (<paramref name="Lower"/>, <paramref name="Upper"/>], the first class closed at its lower end.</summary>
/// <param name="Number">1-based, lightest first.</param>
/// <param name="Lower">The class's lower bound: the smallest value for class 1, else the previous class's upper bound (excluded).</param>
/// <param name="Upper">The largest value the class holds (included).</param>
/// <param name="Color">The fill, <c>#rrggbb</c>.</param>
/// <param name="Areas">How many areas are drawn in this class.</param>
public readonly record struct ChoroplethClass(int Number, decimal Lower, decimal Upper, string Color, int Areas);

/// <summary>A metric entry that a <see cref="Choropleth"/> could not draw.</summary>
/// <param name="Code">The code (or name) as given.</param>
/// <param name="Message">Why, for a person: unknown code, no polygon of its own, or a duplicate.</param>
public readonly record struct ChoroplethWarning(string Code, string Message);
