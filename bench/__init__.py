"""`make bench`: the portal measured at City scale, each figure against the fastest way to do
the same work, in one run on one machine. See BENCHMARKS.md."""
