-- ARGV: P, K, C, pending ('1'|'0'), jobsPerConversation, jobsTotal, pendingPerConversation → the refusing cap, or false.
return cap_refusal(ARGV[2], ARGV[3], ARGV[4] == '1', ARGV[5], ARGV[6], ARGV[7]) or false
