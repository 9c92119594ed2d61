"""Voting: the counting engine (tally), apportionment, motions and ballots."""
