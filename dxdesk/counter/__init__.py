"""The counter: a citizen served is written here (records), with an optional consented contact, and browsed in the journal."""
