"""A proposal as one caller sees it: the decliner also reads their own words.

The words are sealed with the decliner's key (MatchProposal.decliner_of), in the store
and in the lists alike, so nobody else reads them and erasing the decliner erases them."""

from typing import Any

from shared.http.auth import Principal
from shared.vault import Erased, Vault
from services.matching.documents import match_view
from services.matching.domain.proposal import MatchProposal


async def seen_by(principal: Principal, proposal: MatchProposal, vault: Vault) -> dict[str, Any]:
    view = {**match_view(proposal), "decline_words": None}
    sealed = proposal.decline_words_ciphertext
    if sealed and principal.participant_id is not None and principal.participant_id == proposal.decliner_id:
        try:
            view["decline_words"] = await vault.open(proposal.decliner_id, sealed)
        except Erased:
            pass  # their key is gone: so are the words
    return view
