# Shows the whole traced window (tools/trace/screenshot.sh).
gtkwave::/Time/Zoom/Zoom_Full
