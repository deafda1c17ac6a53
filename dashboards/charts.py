"""Bar and line charts as plain Vega-Lite specs, drawn with st.vega_lite_chart (Streamlit's theme applies).

st.bar_chart and st.line_chart build every chart through Altair, whose validation against the Vega-Lite
schema costs 50-100 ms of server CPU per chart on each page view (the overview drew six: ~0.4 s per visit
on the 200k workspace). These specs are small dicts; the data go to the browser as Arrow, as before.
Charts with layers or custom marks (the routing timeline, the heat map) stay in Altair.

    bars(df, "channel", "filings", category_title="渠道", value_title="件数")
    lines(df, "month", ["filings", "concluded"], x_title="月份", value_title="件数", series_title="")

Axis titles are written level; months are on a time axis; the rows go inline in the spec.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

ROW_PX = 26
"""Height per bar of a horizontal bar chart (room for every label)."""
COUNT_AXIS = {"format": ",d", "tickMinStep": 1}
"""Counts: whole numbers on the axis, with thousands separators."""
LEVEL_TITLE = {"titleAngle": 0, "titleAlign": "right", "titleX": 0, "titleY": -10, "titleBaseline": "bottom"}
"""A vertical axis's title written level, above the axis (Chinese is not read turned on its side)."""
MONTH_AXIS = {"format": "%Y-%m", "labelAngle": -45, "labelOverlap": "greedy", "labelSeparation": 4}
"""Months on a time axis: each where it falls (an empty month keeps its place), labels thinned, never
overlapping."""


def _month_field(df: pd.DataFrame, field: str, title: str, *, whole_last: bool = False) -> dict[str, Any]:
    """An x encoding of `field` ('2024-03' month text, read as its first day in UTC) on a time axis, from
    the first month to the last (to its end when `whole_last`: a bar fills its month)."""
    scale: dict[str, Any] = {"type": "utc"}
    known = df[field].dropna().astype(str)
    if len(known):
        first, last = pd.Period(known.min(), "M"), pd.Period(known.max(), "M") + int(whole_last)
        scale["domain"] = [_date_time(first), _date_time(last)]
    return {"field": field, "type": "temporal", "timeUnit": "utcyearmonth", "title": title, "scale": scale,
            "axis": MONTH_AXIS}


def _date_time(month: pd.Period) -> dict[str, Any]:
    """The start of `month` as a Vega-Lite DateTime (UTC), the form a time-unit scale's domain takes."""
    return {"year": month.year, "month": month.month, "date": 1, "utc": True}


def _days_around(days: pd.Series, pad: int = 15) -> dict[str, Any]:
    """A time scale from `pad` days before the first day (ISO text) to `pad` days after the last."""
    known = pd.to_datetime(days.dropna().astype(str), errors="coerce").dropna()
    if known.empty:
        return {}
    ends = (known.min() - pd.Timedelta(days=pad), known.max() + pd.Timedelta(days=pad))
    return {"domain": [{"year": d.year, "month": d.month, "date": d.day} for d in ends]}


def _counts_up_to(top: object) -> dict[str, Any]:
    """A count scale from 0 to `top` (at least 1), rounded up to a nice end."""
    try:
        end = max(float(top), 1.0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        end = 1.0
    return {"domain": [0, end if end == end else 1.0], "nice": True}


def _draw(df: pd.DataFrame, spec: dict[str, Any], height: int) -> None:
    """Streamlit sends the rows apart from the spec, and Vega first runs the view without them: a scale whose
    domain it must compute from the data then logs "Infinite extent" in the browser console. Every
    quantitative and time scale here is given its domain, so nothing is computed from an empty view."""
    st.vega_lite_chart(df, spec, width="stretch", height=height)


def months_filled(df: pd.DataFrame, month: str, values: Sequence[str]) -> pd.DataFrame:
    """`df` with a row (zeros) for every month between its first and last that has none.

    >>> months_filled(pd.DataFrame({"m": ["2024-01", "2024-03"], "n": [2, 1]}), "m", ["n"]).values.tolist()
    [['2024-01', 2], ['2024-02', 0], ['2024-03', 1]]
    """
    if df.empty:
        return df
    known = pd.PeriodIndex(df[month], freq="M")
    every = pd.period_range(known.min(), known.max(), freq="M").strftime("%Y-%m")
    out = df.set_index(month).reindex(every)
    out[list(values)] = out[list(values)].fillna(0).astype(int)
    return out.rename_axis(month).reset_index()


def bars(
    df: pd.DataFrame,
    category: str,
    value: str,
    *,
    category_title: str | None = None,
    value_title: str | None = None,
    color: str | None = None,
    color_title: str | None = None,
    horizontal: bool = True,
    height: int | None = None,
    label_limit: int = 260,
) -> None:
    """One bar per `category` (its `value`; stacked by `color` when given), largest first when horizontal;
    upright bars are months ('2024-03') on a time axis. Axis titles are written level."""
    title = category_title if category_title is not None else category
    cat: dict[str, Any] = {
        "field": category, "type": "nominal", "title": title,
        "axis": {"labelLimit": label_limit, "labelOverlap": False, **LEVEL_TITLE},
        "sort": "-x" if horizontal else None,
    }
    if not horizontal:
        cat = _month_field(df, category, title, whole_last=True)
    top = df.groupby(category)[value].sum().max() if len(df) else 0
    val = {"field": value, "type": "quantitative", "aggregate": "sum",
           "title": value_title if value_title is not None else value, "scale": _counts_up_to(top),
           "axis": COUNT_AXIS if horizontal else {**COUNT_AXIS, **LEVEL_TITLE}}
    encoding: dict[str, Any] = {"y": cat, "x": val} if horizontal else {"x": cat, "y": val}
    tooltip = [{"field": category, "title": cat["title"]}, {"field": value, "title": val["title"]}]
    if not horizontal:
        tooltip[0] = {**tooltip[0], "type": "temporal", "timeUnit": "utcyearmonth", "format": "%Y-%m"}
    if color is not None:
        encoding["color"] = {"field": color, "type": "nominal",
                             "title": color_title if color_title is not None else color}
        tooltip.insert(1, {"field": color, "title": encoding["color"]["title"]})
    encoding["tooltip"] = tooltip
    rows = df[category].nunique() if horizontal else 0
    spec: dict[str, Any] = {"mark": {"type": "bar"}, "encoding": encoding}
    chart_height = height or (max(140, ROW_PX * rows + 90) if horizontal else 300)  # + titles and axis
    _draw(df, spec, chart_height)


def lines(
    df: pd.DataFrame,
    x: str,
    ys: Sequence[str],
    *,
    x_title: str | None = None,
    value_title: str = "",
    series_title: str = "",
    height: int = 300,
) -> None:
    """One line per column of `ys` over `x`, months ('2024-03') on a time axis."""
    spec: dict[str, Any] = {
        "transform": [{"fold": list(ys), "as": ["series", "value"]}],
        "mark": {"type": "line", "point": False},
        "encoding": {
            "x": _month_field(df, x, x_title if x_title is not None else x),
            "y": {"field": "value", "type": "quantitative", "title": value_title,
                  "scale": _counts_up_to(df[list(ys)].max().max() if len(df) else 0),
                  "axis": {**COUNT_AXIS, **LEVEL_TITLE}},
            "color": {"field": "series", "type": "nominal", "title": series_title, "sort": list(ys),
                      "legend": {"orient": "bottom"}},
            "tooltip": [{"field": x, "type": "temporal", "timeUnit": "utcyearmonth", "format": "%Y-%m",
                         "title": x_title if x_title is not None else x},
                        {"field": "series", "title": series_title},
                        {"field": "value", "type": "quantitative", "title": value_title}],
        },
    }
    _draw(df, spec, height)


def timeline(
    df: pd.DataFrame,
    day: str,
    category: str,
    *,
    category_title: str,
    day_title: str,
    color: str | None = None,
    color_title: str = "",
    tooltip: Sequence[tuple[str, str]] = (),
) -> None:
    """One point per row at its `day` (ISO date text) on the line of its `category`, coloured by `color`;
    `tooltip` adds (column, title) pairs to the hover text. Dates read year-month (no English month names)."""
    tips: list[dict[str, Any]] = [
        {"field": day, "type": "temporal", "format": "%Y-%m-%d", "title": day_title},
        {"field": category, "title": category_title},
    ]
    encoding: dict[str, Any] = {
        "x": {"field": day, "type": "temporal", "title": day_title, "scale": _days_around(df[day]),
              "axis": {"format": "%Y-%m", "labelAngle": -45, "labelOverlap": "greedy"}},
        "y": {"field": category, "type": "nominal", "title": category_title,
              "axis": {"labelLimit": 320, "labelOverlap": False, **LEVEL_TITLE}},
    }
    if color is not None:
        encoding["color"] = {"field": color, "type": "nominal", "title": color_title,
                             "legend": {"orient": "bottom"}}
        tips.append({"field": color, "title": color_title})
    encoding["tooltip"] = tips + [{"field": column, "title": title} for column, title in tooltip]
    spec = {"mark": {"type": "point", "filled": True, "size": 90}, "encoding": encoding}
    height = 34 * int(df[category].nunique()) + 170  # the rest: dates (slanted), axis title, legend
    _draw(df, spec, height)
