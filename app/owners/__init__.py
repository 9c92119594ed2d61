"""Owners' decisions (业主共同决定): the unit registry, voting by all owners, the result notice."""
