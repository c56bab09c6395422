"""Files people attach to messages: what they are (sniffed from their bytes), their text,
and where they are stored."""
