"""Bar and line charts as plain Vega-Lite specs, drawn with st.vega_lite_chart (Streamlit's theme applies).

st.bar_chart and st.line_chart build every chart through Altair, whose validation against the Vega-Lite
schema costs 50-100 ms of server CPU per chart on each page view (the overview drew six: ~0.4 s per visit
on the 200k workspace). These specs are small dicts; the data go to the browser as Arrow, as before.
Charts with layers or custom marks (the routing timeline, the heat map) stay in Altair.

    bars(df, "channel", "filings", category_title="渠道", value_title="件数")
    lines(df, "month", ["filings", "concluded"], x_title="月份", value_title="件数", series_title="")
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
    """One bar per `category` (its `value`; stacked by `color` when given), largest first when horizontal,
    in the frame's order otherwise (e.g. months)."""
    cat: dict[str, Any] = {
        "field": category, "type": "nominal", "title": category_title if category_title is not None
        else category, "axis": {"labelLimit": label_limit, "labelOverlap": False},
        "sort": "-x" if horizontal else None,
    }
    if not horizontal:
        cat["type"] = "ordinal"
        cat["axis"] = {"labelAngle": -90}
    val = {"field": value, "type": "quantitative", "aggregate": "sum",
           "title": value_title if value_title is not None else value, "axis": COUNT_AXIS}
    encoding: dict[str, Any] = {"y": cat, "x": val} if horizontal else {"x": cat, "y": val}
    tooltip = [{"field": category, "title": cat["title"]}, {"field": value, "title": val["title"]}]
    if color is not None:
        encoding["color"] = {"field": color, "type": "nominal",
                             "title": color_title if color_title is not None else color}
        tooltip.insert(1, {"field": color, "title": encoding["color"]["title"]})
    encoding["tooltip"] = tooltip
    rows = df[category].nunique() if horizontal else 0
    spec: dict[str, Any] = {"mark": {"type": "bar"}, "encoding": encoding}
    chart_height = height or (max(120, ROW_PX * rows + 40) if horizontal else 300)
    st.vega_lite_chart(df, spec, width="stretch", height=chart_height)


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
    """One line per column of `ys` over `x` (an ordered category such as the month)."""
    spec: dict[str, Any] = {
        "transform": [{"fold": list(ys), "as": ["series", "value"]}],
        "mark": {"type": "line", "point": False},
        "encoding": {
            "x": {"field": x, "type": "ordinal", "title": x_title if x_title is not None else x,
                  "axis": {"labelAngle": -90}},
            "y": {"field": "value", "type": "quantitative", "title": value_title, "axis": COUNT_AXIS},
            "color": {"field": "series", "type": "nominal", "title": series_title, "sort": list(ys),
                      "legend": {"orient": "bottom"}},
            "tooltip": [{"field": x, "title": x_title if x_title is not None else x},
                        {"field": "series", "title": series_title},
                        {"field": "value", "type": "quantitative", "title": value_title}],
        },
    }
    st.vega_lite_chart(df, spec, width="stretch", height=height)


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
        "x": {"field": day, "type": "temporal", "title": day_title,
              "axis": {"format": "%Y-%m", "labelAngle": -45}},
        "y": {"field": category, "type": "nominal", "title": category_title,
              "axis": {"labelLimit": 320, "labelOverlap": False}},
    }
    if color is not None:
        encoding["color"] = {"field": color, "type": "nominal", "title": color_title,
                             "legend": {"orient": "bottom"}}
        tips.append({"field": color, "title": color_title})
    encoding["tooltip"] = tips + [{"field": column, "title": title} for column, title in tooltip]
    spec = {"mark": {"type": "point", "filled": True, "size": 90}, "encoding": encoding}
    height = 34 * int(df[category].nunique()) + 170  # the rest: dates (slanted), axis title, legend
    st.vega_lite_chart(df, spec, width="stretch", height=height)
