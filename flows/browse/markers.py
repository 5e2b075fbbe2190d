"""The elements whose presence every look reports (docs/pages.md §1): the stable ids and form
targets of Amazon's sign-in pages, and the remember boxes a step may offer.

`js/facts.js` reports, for each name, whether a visible element matches its selector;
`flows/signin/kinds.py` tells the page kind from these facts.
"""

MARKERS: dict[str, str] = {
    "email": "input#ap_email[type=email]",
    "unified_email": "form#ap_login_form input#ap_email_login",
    "password": "input#ap_password",
    "error_box": "#auth-error-message-box",
    "mfa": "form#auth-mfa-form input#auth-mfa-otpcode",
    "choose_device": "form#auth-select-device-form",
    "device_radio": "input[type=radio][name=otpDeviceContext]",
    "captcha": (
        "img#auth-captcha-image, input#auth-captcha-guess, #captchacharacters, "
        "input[name=cvf_captcha_input], form.cvf-widget-form-captcha"
    ),
    "cvf_code": "form#verification-code-form, input#input-box-otp",
    "approval": "form#pollingForm, #resend-approval-link",
    "puzzle": "iframe#cvf-aamation-challenge-iframe, .amzn-captcha-modal",
    "waf": 'script[src*="awswaf"]',
    "password_reset": "#ap_fpp_password, #ap_fpp_password_check",
    "passkey": "#passkey-error-alert, input[name=passkeySignIn]",
    "intent": "form#intent-confirmation-form",
    "phone_fixup": "#ap-account-fixup-phone-skip-link",
    "picker": "button.picker-button",
    # Not kinds: the remember boxes a step may offer (read here, so that acting on the step
    # needs no look of its own).
    "remember_me": "input[name=rememberMe]",
    "remember_device": "input#auth-mfa-remember-device",
}
