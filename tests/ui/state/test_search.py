"""The sidebar's search through Reflex's event processor: a person's hits with the matches
marked and a link into the thread at the message; another person finds nothing of theirs;
a search that cannot be made says why; and a hit's link opens the thread at the message,
however far back it is."""

from __future__ import annotations

from app.accounts.sessions import start_session
from app.assistant.search_query import MAX_QUERY_CHARS
from app.db.models import Message, Thread, User
from app.db.session import SessionFactory
from app.db.statuses import Role
from app.ui.state.auth import AuthState, LoginState
from app.ui.state.chat import ChatState
from app.ui.state.search import SearchState
from app.ui.transcript import PAGE_SIZE
from tests.support.events import Browser, browsers
from tests.support.people import person
from tests.ui.state.conftest import World


async def _search(tab: Browser, text: str) -> SearchState:
    await tab.send(SearchState.set_query(text))
    return await tab.state(SearchState)


async def test_a_persons_hits_mark_the_match_and_link_to_the_message(world: World) -> None:
    async with browsers() as tab:
        alice = tab("alice")
        await alice.sign_in_with(world.alice)
        search = await _search(alice, "kitchen 19")
        # The question ("kitchen to 19") and the reply that made the change.
        assert sorted(h.role for h in search.hits) == ["assistant", "user"]
        (hit,) = [h for h in search.hits if h.message_id == world.reply_id]
        assert hit.href == f"/chat/{world.thread_id}?message={world.reply_id}"
        assert [(p.text, p.is_match) for p in hit.snippet] == [
            ("Temperature in ", False),
            ("kitchen", True),
            (" changed from 22 to ", False),
            ("19", True),
            (" Done.", False),
        ]
        assert (search.summary, search.is_open) == ("2 messages found", True)

        await alice.send(SearchState.clear)
        search = await alice.state(SearchState)
        assert (search.query, search.hits, search.summary, search.is_open) == ("", [], "", False)


async def test_another_person_finds_nothing_of_theirs(world: World) -> None:
    async with browsers() as tab:
        mallory = tab("mallory")
        await mallory.sign_in_with(world.mallory)
        search = await _search(mallory, "kitchen")
        assert search.hits == []
        assert search.summary == "No messages match “kitchen”."


async def test_a_search_that_cannot_be_made_says_why(world: World) -> None:
    async with browsers() as tab:
        alice = tab("alice")
        await alice.sign_in_with(world.alice)
        search = await _search(alice, "x" * (MAX_QUERY_CHARS + 1))
        assert search.hits == [] and search.summary.startswith("A search is at most 200")
        search = await _search(alice, "?!")
        assert search.summary == "Type a word to search for (letters or digits)."
        search = await _search(alice, "   ")  # blank: the threads show again
        assert (search.is_open, search.summary) == (False, "")

        signed_out = tab("signed-out")
        await signed_out.sign_in_with("not a session")
        search = await _search(signed_out, "kitchen")
        assert search.hits == [] and search.summary == "Sign in to search your threads."


async def test_a_hit_opens_its_thread_at_the_message_however_far_back(
    world: World, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        # A page of newer messages after the reply, on the branch on screen.
        thread = await session.get(Thread, world.thread_id)
        assert thread is not None
        for _ in range(PAGE_SIZE):
            message = Message(
                thread_id=world.thread_id,
                role=Role.user,
                parts=[{"type": "text", "text": "x"}],
                parent_id=thread.head_message_id,
            )
            session.add(message)
            await session.flush()
            thread.head_message_id = message.id
        await session.commit()
    async with browsers() as tab:
        alice = tab("alice")
        await alice.sign_in_with(world.alice)
        chat_path = f"/chat/{world.thread_id}"
        await alice.send(ChatState.load_thread, chat_path, thread_id=str(world.thread_id))
        chat = await alice.state(ChatState)
        assert world.reply_id not in [m.id for m in chat.messages] and chat.jump_to == ""

        (hit,) = (await _search(alice, "19 done")).hits
        await alice.send(ChatState.load_thread, hit.href, thread_id=str(world.thread_id))
        chat = await alice.state(ChatState)
        assert world.reply_id in [m.id for m in chat.messages]
        first_jump = chat.jump_to
        assert first_jump.startswith(f"{world.reply_id}:")
        # Opened at the same hit again: a new mark, so the page scrolls to it again.
        await alice.send(ChatState.load_thread, hit.href, thread_id=str(world.thread_id))
        chat = await alice.state(ChatState)
        assert chat.jump_to.startswith(f"{world.reply_id}:") and chat.jump_to != first_jump


async def test_the_next_person_in_the_tab_never_sees_the_last_ones_hits(
    world: World, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        owner = await session.get(User, await person(session, "owner"))
        assert owner is not None
        second_session = await start_session(session, owner)
    async with browsers() as tab:
        alice = tab("alice")
        await alice.sign_in_with(world.alice)
        assert (await _search(alice, "kitchen")).hits
        await alice.send(AuthState.sign_out)
        search = await alice.state(SearchState)
        assert (search.query, search.hits, search.is_open) == ("", [], False)

        await alice.sign_in_with(second_session)
        assert (await _search(alice, "kitchen")).hits
        form = {"username": "newcomer", "password": "a long password", "confirm": "a long password"}
        # Hashing the password takes a while on a busy machine: wait for the whole sign-up.
        await alice.send(LoginState.sign_up(form), settle_s=30)
        assert (await alice.state(AuthState)).session_token not in ("", second_session)
        search = await alice.state(SearchState)
        assert (search.query, search.hits, search.is_open) == ("", [], False)
