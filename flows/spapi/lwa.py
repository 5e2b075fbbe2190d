"""Login with Amazon (docs/pages.md §8) and the Sellers API check: the HTTP side of SP-API jobs.

The code exchange and the refresh grant go through authlib's OAuth2 client (requests); the
check call goes through python-amazon-sp-api's `Sellers` client. Both are pointed at the
configured token URL and SP-API endpoint (loopback http for the simulator). Every token is
registered for redaction the moment it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import structlog
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from pydantic import SecretStr

from automation.errors import NotConfirmed, SellerAuthError, SiteUnavailable, SiteUnreachable
from automation.log import register_secret
from flows.spapi.errors import Forbidden, LwaInvalidClient, LwaInvalidGrant, Unavailable
from flows.spapi.settings import AppSettings

log = structlog.get_logger("flows.spapi.lwa")


@dataclass(frozen=True)
class Tokens:
    """What a code exchange gives: the lasting refresh token and a one-hour access token."""

    refresh_token: str
    access_token: str


class Lwa:
    """The app's Login with Amazon client (client ID and secret sent in the form body)."""

    def __init__(self, app: AppSettings, secret: SecretStr | None = None) -> None:
        """The client of `app`, with its `lwa_client_secret`, or `secret` when given (the
        next secret of a rotation, `lwa_client_secret_next`)."""
        self.app = app
        self.secret = secret or app.lwa_client_secret
        register_secret(self.secret)

    def _session(self) -> OAuth2Session:
        return OAuth2Session(
            client_id=self.app.lwa_client_id,
            client_secret=self.secret.get_secret_value(),
            token_endpoint_auth_method="client_secret_post",
        )

    def exchange(self, code: str, redirect_uri: str) -> Tokens:
        """Exchange a `spapi_oauth_code` (single use, 5 minutes) for the refresh token.

        Raises LwaInvalidGrant (spent, expired or foreign code), LwaInvalidClient (wrong
        client ID or secret), SiteUnavailable (LWA down or unreachable).
        """
        register_secret(code)
        with self._session() as session:
            token = self._call(
                lambda: session.fetch_token(
                    self.app.lwa_token_url,
                    grant_type="authorization_code",
                    code=code,
                    redirect_uri=redirect_uri,
                    timeout=self.app.lwa_timeout_seconds,
                ),
                grant="authorization_code",
            )
        refresh, access = token.get("refresh_token"), token.get("access_token")
        register_secret(refresh)
        register_secret(access)
        if not refresh or not access:
            raise NotConfirmed(
                "Login with Amazon answered the code exchange without a refresh token.",
                url=self.app.lwa_token_url,
            )
        return Tokens(refresh_token=str(refresh), access_token=str(access))

    def access_token(self, refresh_token: str) -> str:
        """An access token from the refresh token (`grant_type=refresh_token`): proof it works."""
        register_secret(refresh_token)
        with self._session() as session:
            token = self._call(
                lambda: session.refresh_token(
                    self.app.lwa_token_url,
                    refresh_token=refresh_token,
                    timeout=self.app.lwa_timeout_seconds,
                ),
                grant="refresh_token",
            )
        access = token.get("access_token")
        register_secret(access)
        if not access:
            raise NotConfirmed(
                "Login with Amazon answered the refresh grant without an access token.",
                url=self.app.lwa_token_url,
            )
        return str(access)

    def _call(self, request: Any, *, grant: str) -> dict[str, Any]:
        url = self.app.lwa_token_url
        try:
            return dict(request())
        except OAuthError as error:
            log.warning("lwa_refused", grant=grant, error=error.error)
            raise _lwa_error(str(error.error), grant, url) from None
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else "?"
            raise SiteUnavailable(
                f"Login with Amazon answered HTTP {status}. Try again later.", url=url
            ) from None
        except requests.ConnectionError as error:
            unreachable = _unreachable(url, error)
            if unreachable is not None:
                raise unreachable from None
            raise SiteUnavailable(
                f"Could not reach Login with Amazon ({type(error).__name__}). Check the network "
                "and SELLERAUTH_LWA_TOKEN_URL.",
                url=url,
            ) from None
        except requests.Timeout as error:
            raise SiteUnavailable(
                f"Could not reach Login with Amazon ({type(error).__name__}). Check the network "
                "and SELLERAUTH_LWA_TOKEN_URL.",
                url=url,
            ) from None
        except ValueError:
            raise SiteUnavailable(
                "Login with Amazon answered something that is not a token.", url=url
            ) from None


def _unreachable(url: str, error: requests.ConnectionError) -> SiteUnreachable | None:
    """`site_unavailable` naming the token endpoint's host and SELLERAUTH_LWA_TOKEN_URL when
    the host cannot be reached at all (its name does not resolve, the connection refused);
    None for a connection that failed on the way (tried again as usual)."""
    text = repr(error)
    if "NameResolutionError" in text or "Name or service not known" in text:
        reason = "its name does not resolve"
    elif "ConnectionRefusedError" in text or "Connection refused" in text:
        reason = "the connection was refused"
    else:
        return None
    host = urlsplit(url).hostname or url
    return SiteUnreachable(
        f"Cannot reach Login with Amazon's token endpoint at {host}: {reason}. Check "
        f"SELLERAUTH_LWA_TOKEN_URL ({url}) and the network.",
        url=url,
        host=host,
    )


def _lwa_error(error: str, grant: str, url: str) -> SellerAuthError:
    if error == "invalid_client":
        return LwaInvalidClient(
            "Login with Amazon refused the app's credentials (invalid_client): check "
            "SELLERAUTH_LWA_CLIENT_ID and SELLERAUTH_LWA_CLIENT_SECRET against the app's LWA "
            "credentials in Developer Central (they are rotated from time to time).",
            url=url,
        )
    if error == "invalid_grant" and grant == "authorization_code":
        return LwaInvalidGrant(
            "Login with Amazon refused the authorization code (invalid_grant): it was spent, "
            "older than five minutes, or issued for another redirect URI or app. Nothing is "
            "stored; run authorize again, and check SELLERAUTH_REDIRECT_URI and "
            "SELLERAUTH_LWA_CLIENT_ID belong to the app of SELLERAUTH_APP_ID.",
            url=url,
        )
    if error == "invalid_grant":
        return LwaInvalidGrant(
            "Login with Amazon refused the refresh token (invalid_grant): the seller disabled "
            "the app, the authorization expired, or the token belongs to another app. Run "
            "`app-status`, then `authorize` to get a new one.",
            url=url,
        )
    return LwaInvalidGrant(
        f"Login with Amazon refused the request ({error}). Check the app's LWA settings.",
        url=url,
    )


def _sellers_client(app: AppSettings, endpoint: str, access_token: str) -> Any:
    """python-amazon-sp-api's Sellers client at `endpoint`, sending `access_token`."""
    from sp_api.api import Sellers
    from sp_api.base import Marketplaces

    register_secret(access_token)

    class _Sellers(Sellers):  # type: ignore[misc]  # the SDK is untyped
        """The SDK's Sellers client at any endpoint (it derives `host` by cutting `https://`)."""

        @property
        def headers(self) -> dict[str, str]:
            headers: dict[str, str] = super().headers
            headers["host"] = urlsplit(self.endpoint).netloc
            return headers

    client = _Sellers(
        Marketplaces.JP,
        credentials={
            "lwa_app_id": app.lwa_client_id,
            "lwa_client_secret": app.lwa_client_secret.get_secret_value(),
        },
        # The access token this run got from the refresh grant: the SDK sends it as
        # `x-amz-access-token` and asks LWA for nothing itself.
        restricted_data_token=access_token,
        timeout=app.lwa_timeout_seconds,
    )
    client.endpoint = endpoint.rstrip("/")
    return client


def marketplace_participations(app: AppSettings, endpoint: str, access_token: str) -> list[str]:
    """The marketplace IDs the seller participates in (Sellers API
    `getMarketplaceParticipations`), called with `access_token` at `endpoint`.

    Raises NotConfirmed when the API refuses the token, SiteUnavailable when it is down.
    """
    from sp_api.base import SellingApiException
    from sp_api.base.exceptions import SellingApiForbiddenException

    client = _sellers_client(app, endpoint, access_token)
    try:
        response = client.get_marketplace_participation()
    except SellingApiForbiddenException:
        raise NotConfirmed(
            "The Sellers API refused the access token got from the new refresh token: the "
            "authorization does not work. Check SELLERAUTH_SPAPI_ENDPOINT is the seller's "
            "region, and the app's roles include Selling Partner Insights.",
            url=endpoint,
        ) from None
    except SellingApiException as error:
        raise NotConfirmed(
            f"The Sellers API answered an error ({type(error).__name__}).", url=endpoint
        ) from None
    except Exception as error:  # httpx transport errors
        raise SiteUnavailable(
            f"Could not call the Sellers API ({type(error).__name__}). Check the network and "
            "SELLERAUTH_SPAPI_ENDPOINT.",
            url=endpoint,
        ) from None
    finally:
        client.close()
    return _marketplace_ids(response.payload, endpoint)


def _marketplace_ids(payload: Any, endpoint: str) -> list[str]:
    payload = payload or []
    if not isinstance(payload, list) or not payload:
        raise NotConfirmed(
            "The Sellers API answered no marketplace participation: the endpoint may not be "
            "the SP-API (check SELLERAUTH_SPAPI_ENDPOINT), or the authorization does not work.",
            url=endpoint,
        )
    return [
        item["marketplace"]["id"]
        for item in payload
        if isinstance(item, dict)
        and item.get("marketplace", {}).get("id")
        and item.get("participation", {}).get("isParticipating", True)
    ]


def check_participations(
    app: AppSettings, endpoint: str, access_token: str
) -> tuple[list[str], float | None]:
    """`app-check`'s Sellers API call: (the marketplace IDs, None), or ([], the seconds
    `Retry-After` asks for) when the API answered 429 (throttled; 1.0 when it named none).

    Raises Forbidden (403), Unavailable (5xx, network), NotConfirmed (any other refusal, or
    no marketplace at all).
    """
    from sp_api.base import SellingApiException
    from sp_api.base.exceptions import (
        SellingApiForbiddenException,
        SellingApiRequestThrottledException,
        SellingApiServerException,
        SellingApiTemporarilyUnavailableException,
    )

    client = _sellers_client(app, endpoint, access_token)
    try:
        response = client.get_marketplace_participation()
    except SellingApiForbiddenException:
        raise Forbidden(
            "The Sellers API refused the access token (HTTP 403): the app lacks the role the "
            "call needs, or SELLERAUTH_SPAPI_ENDPOINT is not the seller's region.",
            url=endpoint,
        ) from None
    except SellingApiRequestThrottledException as error:
        return [], retry_after(getattr(error, "headers", None))
    except (SellingApiServerException, SellingApiTemporarilyUnavailableException) as error:
        raise Unavailable(
            f"The Sellers API answered a server error ({type(error).__name__}). Try again later.",
            url=endpoint,
        ) from None
    except SellingApiException as error:
        raise NotConfirmed(
            f"The Sellers API answered an error ({type(error).__name__}).", url=endpoint
        ) from None
    except Exception as error:  # httpx transport errors
        raise Unavailable(
            f"Could not call the Sellers API ({type(error).__name__}). Check the network and "
            "SELLERAUTH_SPAPI_ENDPOINT.",
            url=endpoint,
        ) from None
    finally:
        client.close()
    return _marketplace_ids(response.payload, endpoint), None


def retry_after(headers: Any) -> float:
    """The seconds a `Retry-After` header asks to wait (an integer or decimal number of
    seconds; an HTTP date or nothing: 1.0), never below 0."""
    value = None
    try:
        value = headers.get("Retry-After") if headers is not None else None
    except Exception:
        value = None
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0
