#!/usr/bin/env bash
# Remakes the README's example figures (tools/plot/figures/*.png): runs the example sweeps
# (tools/sweep/examples/) into WORK and draws the four figure kinds from their CSVs, the
# latency-load curves of BookSim2's two routers beside BookSim2's own rows, and the spike
# raster of a 3-digit inference run.
#   tools/plot/example_figures.sh [NMSIM [WORK]]   (defaults: build/tools/nmsim, /tmp/nmsim-figures)
set -euo pipefail
cd "$(dirname "$0")/../.."
nmsim=${1:-build/tools/nmsim}
work=${2:-/tmp/nmsim-figures}
mkdir -p "$work"
"$nmsim" sweep tools/sweep/examples/sram_noc_inference.textproto --out "$work/sram_noc" -q
"$nmsim" sweep tools/sweep/examples/noc_latency_load.textproto --out "$work/noc_load" -q
"$nmsim" sweep tools/sweep/examples/noc_booksim.textproto --out "$work/noc_booksim" -q
inference=$work/sram_noc/sram_noc_inference.csv
traffic=$work/noc_load/noc_latency_load.csv
"$nmsim" plot breakdown "$inference" --where noc.buffer_depth_flits=4 --where noc.router_pipeline_stages=1 \
  --x core.synapse_sram.banks --title "50-digit inference: energy by component class" -o "$work/breakdown"
"$nmsim" plot pareto "$inference" --x core.synapse_sram.banks --y energy_pJ --log-x \
  --title "50-digit inference, 50 design points: energy vs SRAM banks" -o "$work/pareto"
"$nmsim" plot metric "$inference" --x noc.buffer_depth_flits --y cycles --series core.synapse_sram.banks \
  --where noc.router_pipeline_stages=1 --log-x --title "50-digit inference: cycles (router pipeline 1 stage)" \
  -o "$work/metric"
"$nmsim" plot latency-load "$traffic" --series noc.buffer_depth_flits --log-y \
  --title "4 x 4 mesh, uniform random, 4-flit packets" -o "$work/latency_load"
"$nmsim" plot latency-load "$work/noc_booksim/noc_booksim.csv" --series chip --series-label nmsim --log-y \
  --reference tools/plot/reference/booksim2_mesh8x8.csv \
  --title "8 x 8 mesh, uniform random, 1-flit packets: nmsim vs BookSim2" -o "$work/booksim"
"$nmsim" run --set workload=WORKLOAD_INFERENCE --set samples=3 --set network.hidden_sizes=100 --no-table -q \
  --json "$work/raster_run.json" --spikes "$work/spikes.csv"
"$nmsim" plot raster "$work/spikes.csv" --title "3-digit inference, 784-100-10, 8 steps a digit: every spike" \
  -o "$work/raster"
for figure in breakdown pareto metric latency_load booksim raster; do cp "$work/$figure.png" tools/plot/figures/; done
