"""metric: one column of a sweep CSV against a swept parameter, one line per value of a second
parameter (or a single line)."""

import plot_common as common


def series_of(table, args):
    """[(series value, [rows sorted by x])], numeric series values in ascending order; two rows
    at one (series, x) are an error naming the axis columns they differ in."""
    groups = {}
    for row in table.rows:
        groups.setdefault(row.get(args.series) if args.series else "", []).append(row)
    out = []
    for value, rows in groups.items():
        rows.sort(key=lambda r: common.number(r.get(args.x)))
        for a, b in zip(rows, rows[1:]):
            if common.number(a.get(args.x)) == common.number(b.get(args.x)):
                differ = [c for c in table.axis_columns if a.get(c) != b.get(c) and c not in (args.x, args.series)]
                common.fail("points %s and %s both have %s = %s%s: they differ in %s; pick one with --where COLUMN=VALUE"
                            % (a.get("point"), b.get("point"), args.x, a.get(args.x),
                               ", %s = %s" % (args.series, value) if args.series else "",
                               ", ".join(differ) or "no axis column"))
        out.append((value, rows))
    if all(common.number(value) is not None for value, _ in out):
        out.sort(key=lambda item: common.number(item[0]))
    return out


def reference_points(args):
    """[(label, xs, ys)] from --reference: a CSV with a `label` column and the --x and --y
    columns (another simulator's figures drawn beside the curves); rows without y are left out."""
    import csv
    groups = {}
    with open(args.reference, newline="") as f:
        reader = csv.DictReader(f)
        for column in ("label", args.x, args.y):
            if column not in (reader.fieldnames or []):
                common.fail("%s: no column %s" % (args.reference, column))
        for row in reader:
            x, y = common.number(row[args.x]), common.number(row[args.y])
            if x is not None and y is not None:
                xs, ys = groups.setdefault(row["label"], ([], []))
                xs.append(x)
                ys.append(y)
    return [(label, xs, ys) for label, (xs, ys) in groups.items()]


def plot(args, kind="metric", saturation=None):
    """Also draws latency-load (latency_load.py): `saturation`, a column that is 0 at points
    whose measured packets did not all arrive, marks those points."""
    table = common.SweepTable(args.inputs, args.where)
    series = series_of(table, args)
    x_axis = common.Axis(args.x, table.values(args.x), args.x_label)
    y_axis = common.Axis(args.y, table.values(args.y), args.y_label)
    fig, ax = common.new_figure(args.title)
    described = []
    any_saturated = False
    for n, (value, rows) in enumerate(series):
        xs, ys = table.values(args.x, rows), table.values(args.y, rows)
        color = common.PALETTE[n % len(common.PALETTE)]
        label = "%s = %s" % (args.series_label or args.series, common.format_value(value)) if args.series else None
        ax.plot(x_axis.drawn(xs), y_axis.drawn(ys), "-o", color=color, markersize=4, label=label)
        entry = {"value": value, "label": label, "points": [r.get("point") for r in rows], "x": xs, "y": ys}
        if saturation:
            flags = [common.number(r.get(saturation)) == 0 for r in rows]
            hit = [i for i, f in enumerate(flags) if f]
            any_saturated = any_saturated or bool(hit)
            ax.scatter(x_axis.drawn([xs[i] for i in hit]), y_axis.drawn([ys[i] for i in hit]), marker="x", s=60,
                       color=color, zorder=3)
            entry["saturated"] = flags
        described.append(entry)
    reference = reference_points(args) if getattr(args, "reference", None) else []
    for n, (label, xs, ys) in enumerate(reference):
        ax.scatter(x_axis.drawn(xs), y_axis.drawn(ys), marker="s", s=36, facecolors="none",
                   edgecolors=common.PALETTE[n % len(common.PALETTE)], zorder=4, label=label)
    if any_saturated:
        ax.scatter([], [], marker="x", s=60, color="0.2", label="saturated (not drained)")
    ax.set_xlabel(x_axis.label)
    ax.set_ylabel(y_axis.label)
    if args.log_x:
        ax.set_xscale("log")
    if args.log_y:
        ax.set_yscale("log")
    if args.x in table.axis_columns:
        common.value_ticks(ax, "x", x_axis.drawn(table.values(args.x)))
    if args.series or any_saturated or reference:
        ax.legend(title=table.failed_note() or None, title_fontsize=8)
    else:
        common.note(ax, table.failed_note())
    common.save(fig, args.out, args.dpi, {
        "kind": kind,
        "x": x_axis.describe(),
        "y": y_axis.describe(),
        "series_column": args.series,
        "series": described,
        "failed_points": [r.get("point") for r in table.failed],
        "reference": [{"label": label, "x": xs, "y": ys} for label, xs, ys in reference],
    })
