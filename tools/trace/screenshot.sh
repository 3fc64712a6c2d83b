#!/usr/bin/env bash
# Remakes tools/plot/figures/gtkwave_trace.png, the README's GTKWave screenshot: a one-digit
# inference run traced from cycle 3340 to 3410 (core 0_0_0 finishes integrating, fires and sends
# its spikes), shown by Debian's gtkwave with example.gtkw's signals under Xvfb, whose screen
# (kept as a file by -fbdir) becomes the PNG (xwd_to_png.py). Needs gtkwave and xvfb.
#   tools/trace/screenshot.sh [NMSIM [OUT.png]]   (defaults: build/tools/nmsim, the figure)
set -euo pipefail
cd "$(dirname "$0")/../.."
nmsim=${1:-build/tools/nmsim}
out=${2:-tools/plot/figures/gtkwave_trace.png}
work=$(mktemp -d)
xvfb=
cleanup() {
  if [ -n "$xvfb" ]; then kill "$xvfb" 2> /dev/null; wait "$xvfb" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
"$nmsim" run --quiet --no-table --no-check --set workload=WORKLOAD_INFERENCE --set samples=1 --json "$work/r.json" \
  --vcd "$work/example.vcd" --trace 'chip.core_0_0_0.*' --trace 'chip.mesh.router_0_0.*' --trace-start 3340 \
  --trace-end 3410
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x620x24 -fbdir "$work" -nolisten tcp -nocursor &
xvfb=$!
sleep 2
DISPLAY=$display gtkwave --rcvar "hier_max_level 3" --script tools/trace/zoom_full.tcl "$work/example.vcd" tools/trace/example.gtkw > "$work/gtkwave.log" 2>&1 &
gtkwave=$!
sleep "${SCREENSHOT_WAIT:-8}"
python3 tools/trace/xwd_to_png.py "$work/Xvfb_screen0" "$out"
kill "$gtkwave" 2> /dev/null || true
echo "screenshot: $out"
