"""breakdown: stacked energy bars.

From a sweep CSV one bar per point (labelled by a column), stacked by the columns nmsim plot
resolved (--stack GROUP[|PART]=COLUMN[-COLUMN]: per component class dynamic and leakage, per
phase, or dynamic vs leakage). From an energy breakdown CSV (nmsim run --breakdown) or a JSON
report one bar per phase or part, stacked by component class, phase, kind or usage."""

import csv
import json
import os

import plot_common as common

HATCHES = ["", "///", "..", "xx"]


def stack_spec(text):
    """GROUP[|PART]=COLUMN[-COLUMN] -> (group, part, column, subtracted column or None)."""
    name, expression = text.split("=", 1)
    group, _, part = name.partition("|")
    column, _, minus = expression.partition("-")
    return group, part, column, minus or None


def sweep_bars(args):
    table = common.SweepTable(args.inputs, args.where)
    specs = [stack_spec(s) for s in args.stack]
    bars = []
    for row in table.rows:
        stacks = {}
        for group, part, column, minus in specs:
            value = table.values(column, [row])[0] - (table.values(minus, [row])[0] if minus else 0.0)
            stacks[group + (" " + part if part else "")] = value
        bars.append({"label": common.format_value(row.get(args.x)), "point": row.get("point"), "stacks": stacks})
    styles = {}
    groups = list(dict.fromkeys(g for g, _, _, _ in specs))
    parts = list(dict.fromkeys(p for _, p, _, _ in specs))
    for group, part, _, _ in specs:
        styles[group + (" " + part if part else "")] = (groups.index(group), parts.index(part))
    return bars, styles, common.Axis(args.x, [0], args.x_label).label, table.failed_note()


def report_records(path):
    """A JSON report's energy as breakdown records: per component and phase, dynamic and
    leakage (components[].dynamic_by_phase_pj / leakage_by_phase_pj)."""
    with open(path) as f:
        report = json.load(f)
    phases = report.get("phase_names", [])
    records = []
    for component in report.get("components", []):
        component_class = component.get("component_class", "COMPONENT_CLASS_UNSPECIFIED")
        component_class = component_class.replace("COMPONENT_", "", 1).lower()
        for kind in ("dynamic", "leakage"):
            for phase, pj in zip(phases, component.get(kind + "_by_phase_pj", [])):
                records.append({"part": "run", "phase": phase, "component_class": component_class,
                                "usage": "", "kind": kind, "energy_pJ": pj})
    if not records:
        common.fail(path + ": the report has no components with energy by phase")
    return records


def breakdown_records(path):
    with open(path, newline="") as f:
        records = list(csv.DictReader(f))
    for n, record in enumerate(records):
        value = common.number(record["energy_pJ"])
        if value is None:
            common.fail("%s: line %d: energy_pJ = '%s': not a number" % (path, n + 2, record["energy_pJ"]))
        record["energy_pJ"] = value
    return records


def long_bars(args):
    bars = []
    stack_names = []
    for path in args.inputs:
        records = report_records(path) if args.input_type == "report" else breakdown_records(path)
        prefix = os.path.splitext(os.path.basename(path))[0] + ": " if len(args.inputs) > 1 else ""
        by_bar = {}
        for record in records:
            stack = record[args.by_field]
            if stack not in stack_names:
                stack_names.append(stack)
            stacks = by_bar.setdefault(record[args.bars_field], {})
            stacks[stack] = stacks.get(stack, 0.0) + record["energy_pJ"]
        bars += [{"label": prefix + bar, "stacks": stacks} for bar, stacks in by_bar.items()]
    for bar in bars:
        bar["stacks"] = {name: bar["stacks"].get(name, 0.0) for name in stack_names}
    styles = {name: (n, 0) for n, name in enumerate(stack_names)}
    return bars, styles, args.bars_field.replace("_", " "), ""


def plot(args):
    args.by_field = {"class": "component_class"}.get(args.by, args.by)
    args.bars_field = args.bars
    bars, styles, x_label, failed_note = sweep_bars(args) if args.input_type == "sweep" else long_bars(args)
    for bar in bars:
        bar["total"] = sum(bar["stacks"].values())
    y_axis = common.Axis("energy_pJ", [b["total"] for b in bars], args.y_label)
    fig, ax = common.new_figure(args.title)
    positions = list(range(len(bars)))
    bottoms = [0.0] * len(bars)
    drawn = 0
    for name, (color, hatch) in styles.items():
        heights = y_axis.drawn([b["stacks"][name] for b in bars])
        if not any(heights):
            continue  # not in the legend either
        drawn += 1
        ax.bar(positions, heights, bottom=bottoms, label=name, color=common.PALETTE[color % len(common.PALETTE)],
               hatch=HATCHES[hatch % len(HATCHES)], edgecolor="white", linewidth=0.5, width=0.7)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    ax.set_xticks(positions)
    ax.set_xticklabels([b["label"] for b in bars], rotation=30 if len(bars) > 8 else 0,
                       ha="right" if len(bars) > 8 else "center")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_axis.label)
    ax.grid(axis="x", visible=False)
    ax.legend(fontsize=7, ncol=2 if drawn > 10 else 1, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              title=failed_note or None, title_fontsize=7)
    fig.set_size_inches(7.6, 4.2)
    common.save(fig, args.out, args.dpi, {
        "kind": "breakdown",
        "input_type": args.input_type,
        "by": args.by,
        "x_label": x_label,
        "y": y_axis.describe(),
        "stacks": list(styles),
        "bars": bars,
    })
