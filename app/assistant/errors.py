"""Errors of the assistant layer; each message says what was wrong and what is allowed."""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error the assistant layer raises."""


class ThreadNotFound(AssistantError):
    """A thread id that names no (undeleted) thread."""

    def __init__(self, thread_id: int | str) -> None:
        self.thread_id = thread_id
        super().__init__(f"Thread {thread_id} not found; it may have been deleted.")


class InvalidMessage(AssistantError):
    """A message that cannot be sent as it is."""


class NotOnBranch(AssistantError):
    """A message id that names no message on the branch of the thread shown."""

    def __init__(self, message_id: int | str) -> None:
        self.message_id = message_id
        super().__init__(
            f"Message {message_id} is not on the branch of this thread shown now; "
            "switch to its branch first, or reload the thread."
        )


class InvalidTitle(AssistantError):
    """A thread title that cannot be used."""


class RunAlreadyActive(AssistantError):
    """A thread already has a run going; one run at a time per thread."""

    def __init__(self, thread_id: int, run_id: int) -> None:
        self.thread_id = thread_id
        self.run_id = run_id
        super().__init__(
            f"Thread {thread_id} is still answering (run {run_id}); "
            "wait for it to finish or press Stop."
        )


class InvalidThreadRef(AssistantError):
    """A thread id from an API client that Hearth cannot use."""


class ThreadRefTaken(AssistantError):
    """Another request made the thread an API client named a moment ago: use that one."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"Thread {ref!r} was just created by another request.")


class InvalidToolResults(AssistantError):
    """Tool results from an API client that do not match the calls waiting for them."""


class InvalidSearch(AssistantError):
    """Search text that cannot be searched for: no words, too long, too many words."""


class InvalidAttachment(AssistantError):
    """A file that cannot be attached: too big, too many, or of a type Hearth does not read."""


class AttachmentTooLarge(InvalidAttachment):
    """A file bigger than allowed, or more files than one message may carry."""


class UnreadableAttachment(InvalidAttachment):
    """A file whose content is none of the types Hearth reads (or is empty)."""


class AttachmentNotFound(AssistantError):
    """An attachment id that names no attachment of this person (or one already sent)."""

    def __init__(self, attachment_id: int) -> None:
        self.attachment_id = attachment_id
        super().__init__(f"Attachment {attachment_id} not found; attach the file again.")
