"""Business operations: each takes a session and a principal, writes its audit entry in the same
transaction, and commits; routes only translate HTTP to these calls."""
