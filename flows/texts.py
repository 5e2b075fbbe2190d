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
def starting(key: str) -> re.Pattern[str]:
    """A pattern matching a text that begins with `key` in any locale (labels with a colon)."""
    return re.compile(r"^\s*(?:" + "|".join(re.escape(t) for t in texts(key)) + r")")
