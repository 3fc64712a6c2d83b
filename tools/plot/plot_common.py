"""What every figure kind shares: reading a sweep CSV, axis labels with units, writing the
PNG, PDF and the JSON sidecar (what was drawn, for tests and for checking a figure by eye).

`nmsim plot` (tools/command_plot.cpp) has checked the inputs and columns and resolved every
default before this runs; errors left here are about the data (exit status 2)."""

import csv
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)
import matplotlib.ticker  # noqa: E402

EXIT_USAGE = 2

# Same fonts, sizes and colours on every machine with Debian's matplotlib; no date anywhere.
plt.rcParams.update({
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "figure.figsize": (6.4, 4.2),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "pdf.fonttype": 42,
    "svg.hashsalt": "nmsim",
})
PALETTE = plt.get_cmap("tab10").colors


def fail(message):
    print("nmsim plot: error: " + message, file=sys.stderr)
    sys.exit(EXIT_USAGE)


def number(text):
    """A CSV cell as a float; None for an empty cell."""
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


class SweepTable:
    """The rows of one or more sweep CSVs (same columns); failed points kept apart."""

    def __init__(self, paths, where):
        self.rows, self.failed, self.axis_columns = [], [], []
        for path in paths:
            with open(path, newline="") as f:
                reader = csv.DictReader(f)
                header = reader.fieldnames or []
                # The axis columns sit between `point` and `status` (tools/sweep/sweep_output.cpp).
                axes = header[1:header.index("status")] if "status" in header else []
                self.axis_columns += [a for a in axes if a not in self.axis_columns]
                for row in reader:
                    if not all(matches(row.get(col), value) for col, value in where):
                        continue
                    (self.rows if row.get("status") == "ok" else self.failed).append(row)
        if not self.rows:
            fail(", ".join(paths) + ": no point ran well" +
                 (" among those matching --where" if where else "") + ": nothing to plot")

    def values(self, column, rows=None):
        out = []
        for row in self.rows if rows is None else rows:
            value = number(row.get(column))
            if value is None:
                fail("point %s: column %s = '%s': not a number" % (row.get("point"), column, row.get(column)))
            out.append(value)
        return out

    def failed_note(self):
        n = len(self.failed)
        return "" if n == 0 else "%d failed point%s left out" % (n, "" if n == 1 else "s")


def matches(cell, value):
    if cell == value:
        return True
    a, b = number(cell), number(value)
    return a is not None and a == b


# Units a column name ends in (sweep CSV columns, config field paths).
SUFFIX_UNITS = [
    ("_flits_per_node_cycle", "flits/node/cycle"),
    ("_pJ", "pJ"),
    ("_cycles", "cycles"),
    ("_flits", "flits"),
    ("_bits", "bits"),
    ("_kb", "KB"),
    ("_mhz", "MHz"),
    ("_s", "s"),
]
ENERGY_SCALES = [(1e12, "J"), (1e9, "mJ"), (1e6, "µJ"), (1e3, "nJ"), (1, "pJ")]


def column_unit(column):
    if column == "accuracy":
        return "%"
    if column in ("cycles", "training_cycles"):
        return "cycles"
    if column.endswith("injection_rate"):
        return "flits/node/cycle"
    for suffix, unit in SUFFIX_UNITS:
        if column.endswith(suffix):
            return unit
    return ""


# Figure columns whose name alone reads badly on an axis.
NAMES = {
    "latency_avg_cycles": "average latency",
    "latency_max_cycles": "maximum latency",
    "offered_flits_per_node_cycle": "offered load",
    "accepted_flits_per_node_cycle": "accepted load",
    "energy_per_sop_pJ": "energy per SOP",
    "energy_per_sample_pJ": "energy per sample",
    "wall_s": "simulator wall time",
    "sops": "SOPs",
}
LARGE_NUMBERS = [(1e9, "billion"), (1e6, "million"), (1e3, "thousand")]


class Axis:
    """A column drawn on an axis: its label with unit, and the factor from CSV values to the
    values drawn (pJ shown as nJ, uJ or mJ; a fraction as %; millions of cycles)."""

    def __init__(self, column, values, label=None):
        self.column = column
        unit = column_unit(column)
        name = display_name(column)
        self.scale = 1.0
        if unit == "pJ":
            self.scale, unit = energy_scale(values)
        elif unit == "%":
            self.scale = 100.0
        else:
            largest = max((abs(v) for v in values), default=0.0)
            for factor, word in LARGE_NUMBERS:
                if largest >= 10 * factor:
                    self.scale = 1.0 / factor
                    # cycles (millions), average latency (thousand cycles)
                    unit = word + "s" if unit in ("", name) else word + " " + unit
                    break
        if unit == name:
            unit = ""
        self.label = label or name + (" (%s)" % unit if unit else "")

    def drawn(self, values):
        return [v * self.scale for v in values]

    def describe(self):
        return {"column": self.column, "label": self.label, "scale": self.scale}


def display_name(column):
    """A config path (noc.buffer_depth_flits) as it is typed; a figure column in words."""
    if "." in column or column in ("cycles", "accuracy"):
        return column
    if column in NAMES:
        return NAMES[column]
    for suffix, _ in SUFFIX_UNITS:
        if column.endswith(suffix):
            column = column[: -len(suffix)]
            break
    return column.replace("_", " ")


def energy_scale(values_pj):
    """The factor and unit that show the largest of the values between 1 and 1000."""
    largest = max((abs(v) for v in values_pj), default=0.0)
    for factor, unit in ENERGY_SCALES:
        if largest >= factor:
            return 1.0 / factor, unit
    return 1.0, "pJ"


def format_value(text):
    """An axis or series value as a legend shows it: 4 rather than 4.0."""
    value = number(text)
    if value is None:
        return text
    if value == math.floor(value) and abs(value) < 1e15:
        return str(int(value))
    return "%g" % value


def new_figure(title):
    fig, ax = plt.subplots()
    if title:
        ax.set_title(title)
    return fig, ax


def value_ticks(ax, axis, values):
    """Few distinct values (a swept parameter): a tick at each, written plainly, also on a
    log axis."""
    distinct = sorted(set(values))
    if 0 < len(distinct) <= 12:
        (ax.set_xticks if axis == "x" else ax.set_yticks)(distinct)
        (ax.set_xticklabels if axis == "x" else ax.set_yticklabels)([format_value(str(v)) for v in distinct])
        (ax.xaxis if axis == "x" else ax.yaxis).set_minor_locator(matplotlib.ticker.NullLocator())


def note(ax, text):
    if text:
        ax.text(0.99, 0.01, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="0.35")


def save(fig, prefix, dpi, description):
    """OUT.png, OUT.pdf and OUT.json. No software name or date in the files, so the same input
    gives the same bytes."""
    fig.tight_layout()
    fig.savefig(prefix + ".png", dpi=dpi, metadata={"Software": None})
    fig.savefig(prefix + ".pdf", metadata={"Creator": None, "Producer": None, "CreationDate": None})
    plt.close(fig)
    description["files"] = [prefix + ".png", prefix + ".pdf"]
    with open(prefix + ".json", "w") as f:
        json.dump(description, f, indent=1, sort_keys=True)
        f.write("\n")
