"""Mints a bearer token for local use: python -m shared.tokens --tenant acme --roles partner"""

import argparse
from uuid import UUID

from shared.http.auth import issue_token
from shared.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subject", default="local-user")
    parser.add_argument("--tenant", required=True, help="the partner organization id")
    parser.add_argument("--roles", required=True, help="comma-separated: partner,participant,operator,dashboard")
    parser.add_argument("--participant-id", type=UUID, default=None)
    args = parser.parse_args()
    print(issue_token(get_settings(), args.subject, args.tenant, args.roles.split(","), args.participant_id))


if __name__ == "__main__":
    main()
