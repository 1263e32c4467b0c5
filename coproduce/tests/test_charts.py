from coproduce.lib.charts import line_chart


def test_it_leaves_a_gap_where_a_column_has_no_values() -> None:
    chart = line_chart(
        series=[("a", "First"), ("b", "Second")],
        columns=[
            ("1 Jan", {"a": 1, "b": 5}),
            ("1 Feb", {"a": 2, "b": 4}),
            ("1 Mar", None),
            ("1 Apr", {"a": 3, "b": 3}),
        ],
        y_ticks=[(1, "low"), (3, "middle"), (5, "high")],
    )
    first, second = chart.series
    assert (first.label, second.label) == ("First", "Second")
    # Different colour, dash and marker, so colour is never the only difference.
    assert len({(s.colour, s.dash, s.marker) for s in chart.series}) == 2
    assert [p.value for p in first.points] == [1, 2, 3]
    assert len(first.lines) == 1  # the lone point after the gap has no line
    assert [label for _x, label in chart.x_labels] == ["1 Jan", "1 Feb", "1 Mar", "1 Apr"]
    # The top tick is the highest value, at the top of the plot; the lowest at its foot.
    (low_y, low, _), _mid, (high_y, high, _) = chart.y_ticks
    assert (low, high) == (1, 5)
    assert high_y < low_y == chart.plot_bottom
    assert second.points[0].y == high_y
