"""The model: exact money (integer fen, one half-up rule), units, months, errors, shared limits,
province names and the immutable plan model. Imports nothing else of tariffcli."""
