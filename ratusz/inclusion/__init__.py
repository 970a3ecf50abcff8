"""e-Inclusion: the register of the computers a gmina handed to families under
a digital-exclusion programme, and of its free wireless network."""
