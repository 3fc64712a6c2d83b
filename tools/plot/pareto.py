"""pareto: two columns of a sweep CSV against each other (energy vs cycles, energy vs accuracy),
the pareto-optimal points highlighted and joined, the dominated ones grey."""

import plot_common as common


def dominates(a, b, better):
    """Whether point a dominates b: no worse on both axes, better on one. `better` maps a
    value pair to -1/0/1 per axis direction."""
    signs = [better[i](a[i], b[i]) for i in range(2)]
    return min(signs) >= 0 and max(signs) > 0


def pareto_flags(points, directions):
    def better_for(direction):
        if direction == "max":
            return lambda u, v: (u > v) - (u < v)
        return lambda u, v: (u < v) - (u > v)

    better = [better_for(d) for d in directions]
    return [not any(dominates(q, p, better) for q in points) for p in points]


def plot(args):
    table = common.SweepTable(args.inputs, args.where)
    xs, ys = table.values(args.x), table.values(args.y)
    points = list(zip(xs, ys))
    front = pareto_flags(points, [args.x_direction, args.y_direction])
    x_axis = common.Axis(args.x, xs, args.x_label)
    y_axis = common.Axis(args.y, ys, args.y_label)
    fig, ax = common.new_figure(args.title)
    dx, dy = x_axis.drawn(xs), y_axis.drawn(ys)
    dominated = [i for i, f in enumerate(front) if not f]
    optimal = sorted((i for i, f in enumerate(front) if f), key=lambda i: (dx[i], dy[i]))
    ax.scatter([dx[i] for i in dominated], [dy[i] for i in dominated], color="0.7", s=18,
               label="dominated (%d)" % len(dominated))
    ax.plot([dx[i] for i in optimal], [dy[i] for i in optimal], "-o", color=common.PALETTE[3], markersize=5,
            label="pareto-optimal (%d)" % len(optimal))
    arrow = {"min": "lower is better", "max": "higher is better"}
    ax.set_xlabel("%s, %s" % (x_axis.label, arrow[args.x_direction]))
    ax.set_ylabel("%s, %s" % (y_axis.label, arrow[args.y_direction]))
    if args.log_x:
        ax.set_xscale("log")
    if args.log_y:
        ax.set_yscale("log")
    if args.x in table.axis_columns:
        common.value_ticks(ax, "x", dx)
    legend_title = table.failed_note() or None
    ax.legend(title=legend_title, title_fontsize=8)
    rows = table.rows
    common.save(fig, args.out, args.dpi, {
        "kind": "pareto",
        "x": dict(x_axis.describe(), direction=args.x_direction),
        "y": dict(y_axis.describe(), direction=args.y_direction),
        "points": [{"point": rows[i].get("point"), "x": xs[i], "y": ys[i], "pareto": front[i]}
                   for i in range(len(rows))],
        "pareto_front": [rows[i].get("point") for i in optimal],
        "failed_points": [r.get("point") for r in table.failed],
    })
