"""Accessible HTML tables (caption, th scope) with statuses shown as their symbols."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html


def data_table(
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    numeric: Sequence[bool] | None = None,
    note: str | None = None,
    table_id: str | None = None,
) -> html.Div:
    """A captioned table; the first column is the row header; numbers right-aligned."""
    numeric = numeric or [False] * len(header)
    head = html.Thead(
        html.Tr(
            [
                html.Th(h, scope="col", className="num" if n else "")
                for h, n in zip(header, numeric, strict=True)
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(str(row[0]), scope="row")
                    if i == 0
                    else html.Td(str(cell), className="num" if numeric[i] else "")
                    for i, cell in enumerate(row)
                ]
            )
            for row in rows
        ]
    )
    props = {"id": table_id} if table_id else {}
    children = [html.Table([html.Caption(caption), head, body], className="data-table", **props)]
    if note:
        children.append(html.P(note, className="table-note"))
    return html.Div(
        children, className="table-wrap", tabIndex="0", role="region", **{"aria-label": caption}
    )


def field(label: str, control_id: str, control: object, hint: str | None = None) -> html.Div:
    """A labelled form control."""
    parts = [html.Label(label, htmlFor=control_id, className="field-label"), control]
    if hint:
        parts.append(html.P(hint, className="field-hint"))
    return html.Div(parts, className="field")
