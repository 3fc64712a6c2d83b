"""raster: the spikes of a run (nmsim run --spikes FILE.csv) as ticks: time on x (the cycle, or
the time step counted over the run: sample x steps + step), neurons on y, each layer a band of
its own colour and equal height (layer 0, the input spikes, at the bottom), so a 10-neuron
output layer shows as clearly as 784 inputs. A band spans neurons 0 .. the highest neuron that
spiked in it (the CSV does not hold the layer sizes)."""

import csv

import plot_common as common

COLUMNS = ("cycle", "sample", "step", "layer", "neuron")
SAMPLE_LINES_MAX = 50  # sample boundaries drawn as faint lines up to this many samples


def read_spikes(path, where):
    """[(cycle, sample, step, layer, neuron)] of the rows matching --where."""
    rows = []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            if not all(common.matches(row.get(column), value) for column, value in where):
                continue
            try:
                rows.append(tuple(int(row[column]) for column in COLUMNS))
            except (TypeError, ValueError):
                common.fail("%s line %d: not a spike row (%s)" % (path, reader.line_num, ",".join(COLUMNS)))
    if not rows:
        common.fail(path + ": no spikes" + (" matching --where" if where else "") + ": nothing to plot")
    return rows


def plot(args):
    path = args.inputs[0]
    rows = read_spikes(path, args.where)
    steps = max(r[2] for r in rows) + 1
    times = [r[0] if args.x == "cycle" else r[1] * steps + r[2] for r in rows]
    layers = sorted({r[3] for r in rows})
    band_size = {layer: max(r[4] for r in rows if r[3] == layer) + 1 for layer in layers}
    if args.x == "cycle":
        x_axis = common.Axis("cycles", times, args.x_label)
        label = x_axis.label
    else:
        x_axis = common.Axis("step", times, args.x_label)
        label = args.x_label or "time step (sample x %d + step)" % steps
    fig, ax = common.new_figure(args.title)
    fig.set_size_inches(8.0, 1.2 + 1.1 * len(layers))
    described = []
    for band, layer in enumerate(layers):
        size = band_size[layer]
        xs = [t for t, r in zip(times, rows) if r[3] == layer]
        ys = [band + (r[4] + 0.5) / size for r in rows if r[3] == layer]
        ax.plot(x_axis.drawn(xs), ys, linestyle="none", marker="|", markersize=3, markeredgewidth=0.6,
                color=common.PALETTE[layer % len(common.PALETTE)])
        if band > 0:
            ax.axhline(band, color="0.6", linewidth=0.6)
        described.append({"layer": layer, "band": band, "neurons_shown": size, "spikes": len(xs)})
    samples = sorted({r[1] for r in rows})
    if args.x == "step" and 1 < len(samples) <= SAMPLE_LINES_MAX:
        for sample in samples[1:]:
            ax.axvline(x_axis.drawn([sample * steps - 0.5])[0], color="0.8", linewidth=0.6, zorder=0)
    ax.set_ylim(0, len(layers))
    ax.set_yticks([band + 0.5 for band in range(len(layers))])
    ax.set_yticklabels(["inputs\n(%d shown)" % band_size[layer] if layer == 0
                        else "layer %d\n(%d shown)" % (layer, band_size[layer]) for layer in layers])
    ax.grid(False, axis="y")
    ax.set_xlabel(label)
    ax.set_ylabel("neuron (per layer, 0 at the bottom)")
    common.note(ax, "%d spikes, %d sample%s" % (len(rows), len(samples), "" if len(samples) == 1 else "s"))
    common.save(fig, args.out, args.dpi, {
        "kind": "raster",
        "x": x_axis.describe(),
        "spikes": len(rows),
        "samples": samples,
        "steps_per_sample": steps,
        "time_range": [min(times), max(times)],
        "layers": described,
    })
