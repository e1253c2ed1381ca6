-- ARGV: P, K, C.
return remove_subscription(ARGV[2], ARGV[3])
