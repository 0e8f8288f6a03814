// deepscript/frame: tables with pandas' verbs (read CSV/JSON, filter, group, join, pivot, windows) <-> tensors.
export { DataFrame, GroupBy, FrameRolling, Resampler, concat, type Row, type ColumnInput, type MergeOptions, type MergeHow } from "./frame.js";
export { Series, SeriesRolling } from "./series.js";
export { readCsv, parseCsv, readCsvChunks } from "./io.js";
export { readJson, type JsonOptions } from "./json.js";
export { type CsvOptions, type ToCsvOptions, DEFAULT_NA } from "./csv.js";
export { type Column, type FrameDType, isMissing } from "./column.js";
export { type AggFn, type AggName } from "./aggregate.js";
export { type RollingOptions } from "./window.js";
export { type RankOptions, type RankMethod } from "./sequential.js";
export { type AstypeTarget } from "./convert.js";
export { StringMethods } from "./strings.js";
export { DatetimeMethods, toDatetime } from "./dates.js";
export { Timedelta, type TimedeltaParts } from "./timedelta.js";
export { explode, crosstab } from "./reshape.js";
export { cut, qcut, type CutOptions } from "./binning.js";
export { SeriesGroupBy, GroupWindow, namedAgg, type NamedAgg } from "./groupby.js";
export { SeriesExpanding, SeriesEwm, type EwmOptions } from "./ewm.js";
export { fromArrow, toArrow, readArrow, toArrowIPC, readParquet, toParquet } from "./columnar.js";
