"""Speech: dictated audio to text (offline, or an OpenAI-compatible server). No reflex here."""
