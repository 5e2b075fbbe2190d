"""The visible texts of Seller Central, a table per locale: a changed label is a one-line fix."""

from __future__ import annotations

import re
from functools import cache

TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "ja": {
        # §1 sign-in
        "signin_error_heading": ("問題が発生しました",),
        "otp_invalid": ("ワンタイムパスワード", "OTP"),
        "not_now": ("後で",),
        "close": ("閉じる",),
        # §1 pages only a person may pass, and the sign-in's own choosers (wordings approximate)
        "captcha_headings": (
            "下に表示されている文字を入力してください",
            "表示されている文字を入力してください",
            "画像に表示されている文字を入力してください",
            "下のボタンをクリックしてショッピングを続けてください",
        ),
        "create_new_password": ("新しいパスワードを作成", "パスワードの再設定が必要です"),
        "passkey_signin": ("パスキーでサインイン", "パスキーでログイン"),
        "add_account": ("アカウントを追加",),
        "cancel": ("キャンセル",),
        # §2, §6 refusals
        "not_permitted": (
            "このページを表示する権限がありません",
            "このページへのアクセス権限がありません",
            "アクセスが無効です",
        ),
        "something_went_wrong": ("問題が発生しました", "エラーが発生しました"),
        # §2 account picker
        "select_account": ("アカウントを選択",),
        "picker_countries": (
            "日本",
            "アメリカ合衆国",
            "カナダ",
            "メキシコ",
            "ブラジル",
            "イギリス",
            "ドイツ",
            "フランス",
            "イタリア",
            "スペイン",
            "オランダ",
            "ポーランド",
            "スウェーデン",
            "ベルギー",
            "アイルランド",
            "トルコ",
            "インド",
            "オーストラリア",
            "シンガポール",
            "アラブ首長国連邦",
            "サウジアラビア",
            "エジプト",
        ),
        # §3 granting access
        "authorize_developer": ("開発者にアクセス権を付与",),
        "option_give_developer_access": (
            "アプリケーションを使って、マーケットプレイスWebサービスにアクセスすることを希望します。",
        ),
        "developer_name_label": ("開発者氏名",),
        "developer_id_label": ("開発者ID",),
        "next": ("次へ",),
        "consent_statement": ("にAmazon出品用アカウントへのアクセス権が付与されます",),
        "consent_prohibited_items": (
            "すべての商品は禁止商品ではないことを誓約します",
            "禁止商品",
            "ライセンス契約",
        ),
        "consent_responsibility": (
            "完全に責任を負うことを理解し",
            "責任を負う",
        ),
        "completion": (
            "手続きが完了しました",
            "登録が完了しました",
        ),
        "seller_id": (
            "出品者ID",
            "出品者 ID",
        ),
        "marketplace_id": (
            "マーケットプレイスID",
            "マーケットプレイス ID",
        ),
        "mws_auth_token": (
            "MWS認証トークン",
            "MWS 認証トークン",
        ),
        # §4 permissions screen
        "developer_permissions": ("Amazon MWS 開発者権限",),
        "account_information": ("アカウント情報",),
        "confirmation_disabled": ("「開発者のアクセス権の承認」が有効になっていません",),
        "confirmation_enabled": ("「開発者のアクセス権の承認」が有効になっています",),
        "enable": ("有効にする",),
        "disable": ("無効にする",),
        "current_authorizations": ("現在の権限",),
        "authorization_history": ("権限付与履歴",),
        "col_developer_id": ("開発者 ID", "開発者ID"),
        "col_nickname": ("開発者のニックネーム",),
        "col_granted_at": ("権限の付与日",),
        "col_expires_at": ("有効期限",),
        "col_token": ("MWS認証トークン",),
        "col_action": ("アクション",),
        "col_action_date": ("アクション日",),
        "view_token": ("表示",),
        "seller_self": ("(出品者本人)", "（出品者本人）"),
        "renew": ("アクセス権を承認",),
        "restore": ("アクセス権を復元",),
        "revoke": ("アクセス権の取り消し",),
        "edit": ("編集",),
        "confirm": ("承認する",),
        "previous_page": ("前へ",),
        # layouts the project has not seen (docs/pages.md "The markup is not known")
        "loading": ("読み込み中",),
        "empty_table": ("表示する項目はありません", "該当するデータはありません"),
        # §6 SP-API app authorization ({app}: the app's name)
        # The Japanese wordings are only known approximately: several are accepted.
        "app_consent_box": (
            "Amazonが{app}に出品パートナーアカウントおよび関連データへのアクセス権を提供",
            "{app}に私の出品パートナーアカウント",
            "{app}に出品パートナーアカウント",
        ),
        "app_login_now": ("{app}に今すぐログイン",),
        "app_consent_title": ("{app}を承認", "{app}の承認", "{app}を認証"),
        "app_consent_intro": ("{app}は、出品パートナーアカウント",),
        "app_login_title": ("承認を完了するには、{app}にログインする必要があります",),
        "app_confirm": ("確認",),
        "app_error_heading": ("エラーが発生しました",),
        "app_error_code": ("エラーコード",),
        "app_invalid_access": ("無効なアクセス", "このページを表示する権限がありません"),
        # §7 Manage Your Apps
        "apps_heading": ("アプリを管理", "アプリの管理"),
        "apps_col_app": ("アプリ名", "アプリ", "アプリケーション名"),
        "apps_col_developer": ("開発者", "開発者名"),
        "apps_col_status": ("ステータス", "状態"),
        "apps_col_authorized": ("承認日", "認可日"),
        "apps_col_expires": ("有効期限", "有効期限日"),
        "apps_col_actions": ("アクション", "操作"),
        "apps_status_active": ("有効", "承認済み", "認可済み"),
        "apps_status_expired": ("期限切れ", "失効", "有効期限切れ"),
        "apps_status_disabled": ("無効", "無効化済み"),
        # docs/pages.md §7: none of these is certain, so all are kept.
        "apps_reauthorize": ("再認可", "有効期限の延長", "認証の更新", "更新", "再承認"),
        "apps_enable": ("有効化",),
        "apps_disable": ("認可を無効にする", "承認を無効にする", "無効にする", "無効化"),
        "apps_none": ("表示する項目はありません。",),
        "apps_next": ("次へ", "次のページ"),
    },
    "en": {
        "signin_error_heading": ("There was a problem",),
        "otp_invalid": ("One Time Password", "OTP"),
        "not_now": ("Not now",),
        "close": ("Close",),
        "captcha_headings": (
            "Enter the characters you see below",
            "Enter the characters you see",
            "Type the characters you see in this image",
            "Click the button below to continue shopping",
            "Solve this puzzle to protect your account",
        ),
        "create_new_password": ("Create new password", "Password reset required"),
        "passkey_signin": ("Sign in with a passkey", "Sign in with your passkey"),
        "add_account": ("Add account", "Add an account"),
        "cancel": ("Cancel",),
        "not_permitted": (
            "You do not have permission to view this page",
            "You do not have permissions to view this page",
            "You don't have permission to view this page",
            "You do not have permission to access this page",
            "Invalid Access",
            "must be the primary user",
        ),
        "something_went_wrong": ("Something went wrong",),
        "select_account": ("Select Account",),
        "picker_countries": (
            "Japan",
            "United States",
            "Canada",
            "Mexico",
            "Brazil",
            "United Kingdom",
            "Germany",
            "France",
            "Italy",
            "Spain",
            "Netherlands",
            "Poland",
            "Sweden",
            "Belgium",
            "Ireland",
            "Turkey",
            "India",
            "Australia",
            "Singapore",
            "United Arab Emirates",
            "Saudi Arabia",
            "Egypt",
        ),
        "authorize_developer": (
            "Authorize a developer",
            "Authorize a Developer",
            "Authorise a developer",
            "Authorise a Developer",
        ),
        "option_give_developer_access": (
            "I want to give a developer access to my Amazon seller account with MWS.",
        ),
        "developer_name_label": ("Developer's Name", "Developer Name"),
        "developer_id_label": ("Developer Account Number", "Developer ID"),
        "next": ("Next",),
        "consent_statement": ("access to your Amazon seller account",),
        "consent_prohibited_items": (
            "prohibited",
            "License Agreement",
            "Licence Agreement",
        ),
        "consent_responsibility": (
            "responsible",
            "responsibility",
        ),
        "completion": (
            "is complete",
            "completed",
            "Congratulations",
            "Registration complete",
            "completed the registration",
        ),
        "seller_id": (
            "Seller ID",
            "Merchant ID",
        ),
        "marketplace_id": ("Marketplace ID",),
        "mws_auth_token": (
            "MWS Auth Token",
            "MWS Authorization Token",
            "MWS Authorisation Token",
        ),
        "developer_permissions": ("Amazon MWS Developer Permissions",),
        "account_information": ("Your Account Information",),
        "confirmation_disabled": ("Developer Access Confirmation is not enabled",),
        "confirmation_enabled": ("Developer Access Confirmation is enabled",),
        "enable": ("Enable",),
        "disable": ("Disable",),
        "current_authorizations": (
            "Current Authorizations",
            "Current Authorisations",
        ),
        "authorization_history": (
            "Authorization History",
            "Authorisation History",
        ),
        "col_developer_id": ("Developer ID",),
        "col_nickname": ("Developer Nickname",),
        "col_granted_at": (
            "Date Authorized",
            "Date Authorised",
        ),
        "col_expires_at": ("Expiration Date",),
        "col_token": ("MWS Auth Token",),
        "col_action": ("Action",),
        "col_action_date": ("Action Date",),
        "view_token": ("View",),
        "seller_self": ("(Seller)",),
        "renew": ("Confirm Access", "Renew"),
        "restore": ("Reinstate access", "Reinstate Access"),
        "revoke": ("Revoke access", "Revoke Access"),
        "edit": ("Edit",),
        "confirm": ("Confirm",),
        "previous_page": ("Previous",),
        "loading": ("Loading",),
        "empty_table": ("There are no items to display", "No results"),
        "app_consent_box": (
            "I direct Amazon to provide {app} access to my Selling Partner",
            "I direct Amazon to provide {app} with access to my Selling Partner",
        ),
        "app_login_now": ("Log in to {app} now",),
        "app_consent_title": ("Authorize {app}",),
        "app_consent_intro": ("{app} requires access",),
        "app_login_title": ("To complete authorization you must log in to {app}",),
        "app_confirm": ("Confirm",),
        "app_error_heading": ("Something went wrong",),
        "app_error_code": ("Error Code", "Error code"),
        "app_invalid_access": ("Invalid Access", "You do not have permissions to view this page"),
        # Matched ignoring case; several wordings, since the real page is only known roughly.
        "apps_heading": ("Manage Your Apps", "Manage Apps"),
        "apps_col_app": ("App name", "App", "Application", "Application name"),
        "apps_col_developer": ("Developer", "Developer name"),
        "apps_col_status": ("Status", "Authorization status"),
        "apps_col_authorized": (
            "Date authorized",
            "Authorization date",
            "Authorized",
            "Authorized on",
            "Date of authorization",
        ),
        "apps_col_expires": (
            "Expiration date",
            "Expires",
            "Expires on",
            "Expiry date",
            "Expiration",
        ),
        "apps_col_actions": ("Action", "Actions"),
        "apps_status_active": ("Active", "Authorized", "Enabled", "Valid"),
        "apps_status_expired": ("Expired",),
        "apps_status_disabled": ("Disabled", "Inactive", "Revoked"),
        "apps_reauthorize": ("Re-authorize", "Reauthorize", "Re-Authorize"),
        "apps_enable": ("Enable Authorization", "Enable authorization"),
        "apps_disable": ("Disable authorization", "Disable Authorization"),
        "apps_none": ("There are no items to display.", "No apps", "No apps to display"),
        "apps_next": ("Next", "Next page"),
    },
}

LOCALES = tuple(TEXTS)


def texts(key: str) -> tuple[str, ...]:
    """Every locale's wording of `key`, Japanese first."""
    found: list[str] = []
    for table in TEXTS.values():
        found.extend(w for w in table.get(key, ()) if w not in found)
    if not found:
        raise KeyError(key)
    return tuple(found)


@cache
def exact(key: str) -> re.Pattern[str]:
    """A pattern matching the whole text of `key` in any locale (surrounding blanks allowed)."""
    return re.compile(r"^\s*(?:" + "|".join(re.escape(t) for t in texts(key)) + r")\s*$")


@cache
def containing(key: str) -> re.Pattern[str]:
    """A pattern matching any text that contains `key` in any locale."""
    return re.compile("|".join(re.escape(t) for t in texts(key)))


@cache
def with_app(key: str, *, named: bool = True) -> re.Pattern[str]:
    """A pattern of `key`'s wordings (which hold `{app}`) capturing the app name.

    `named` patterns (for Python) capture it as `app0`, `app1`, ... (read with `app_in`);
    unnamed ones are for locators (JavaScript has no `(?P<...>)`).
    """
    options: list[str] = []
    for wording in texts(key):
        before, _, after = wording.partition("{app}")
        group = f"(?P<app{len(options)}>.+?)" if named else "(?:.+?)"
        options.append(re.escape(before) + rf"\s*{group}\s*" + re.escape(after))
    return re.compile("|".join(f"(?:{o})" for o in options))


def app_in(match: re.Match[str]) -> str:
    """The app name a `with_app` pattern captured."""
    return next(v for k, v in match.groupdict().items() if k.startswith("app") and v)


@cache
def starting(key: str) -> re.Pattern[str]:
    """A pattern matching a text that begins with `key` in any locale (labels with a colon)."""
    return re.compile(r"^\s*(?:" + "|".join(re.escape(t) for t in texts(key)) + r")")
