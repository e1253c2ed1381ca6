-- ARGV: P, C → 1, or 0 when C had no digest.
return remove_digest(ARGV[2])
