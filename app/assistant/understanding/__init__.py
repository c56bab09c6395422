"""What a person's words mean: shared by the offline assistant and the safety checks on a
model's tool calls, so both read a message the same way."""
