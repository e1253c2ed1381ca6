-- ARGV: P, C, V → 1, or 0 when C did not watch V.
return remove_watch(ARGV[2], ARGV[3])
