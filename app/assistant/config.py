"""The limits and rhythms of runs, read from the settings in one place."""

from __future__ import annotations

from dataclasses import dataclass, fields

from app.assistant.files.store import AttachmentLimits
from app.settings import Settings


@dataclass(frozen=True)
class EngineConfig:
    """Limits and rhythms of a run (defaults: the settings' defaults)."""

    max_steps: int
    # The heartbeat: how often a live run says its worker is alive (with its text so far).
    checkpoint_interval_s: float
    # Streamed text is saved at most this long after it arrives, so a worker killed mid-reply
    # loses no more than what was on screen for that long.
    save_text_within_s: float
    # How often the database is asked whether a driven run was stopped or an approval answered.
    stop_poll_interval_s: float
    # With the change feed heard (Stops come as notices), how often it is still asked.
    stop_fallback_poll_s: float
    # Text is merged and handed to viewers at most this often.
    stream_flush_interval_s: float
    # A viewer that hears nothing from a run's feed for this long asks the database.
    follow_idle_s: float
    max_message_chars: int
    max_context_chars: int
    approval_timeout_s: float
    # How long a model is given to suggest follow-ups after its reply (assistant/follow_ups.py).
    follow_ups_timeout_s: float
    # The language people write in: how a message is told to be a question or a command.
    language: str
    # Attachments: the largest file, and the most files one message carries.
    attachment_max_bytes: int = 5_000_000
    attachment_max_files: int = 4

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, **overrides: float | str
    ) -> EngineConfig:
        """The configuration the settings describe (the defaults without any), with overrides."""
        settings = settings or Settings.model_construct()
        values = {f.name: getattr(settings, f.name) for f in fields(cls)}
        return cls(**(values | overrides))  # type: ignore[arg-type]

    @property
    def attachment_limits(self) -> AttachmentLimits:
        """How big and how many attachments may be."""
        return AttachmentLimits(self.attachment_max_bytes, self.attachment_max_files)
