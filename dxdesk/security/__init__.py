"""Who acts and whether they may: accounts, roles, the audit trail, keys in the OS keyring, encrypted contact data and the personal-data rules."""
