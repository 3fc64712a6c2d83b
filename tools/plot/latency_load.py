"""latency-load: a traffic sweep's average NoC latency against offered (or accepted) load, one
curve per value of a series column; points whose measured packets did not drain (the network
saturated) marked with a cross."""

import metric


def plot(args):
    metric.plot(args, kind="latency-load", saturation=args.saturation_column)
