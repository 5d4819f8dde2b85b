//! Tables, identical on both backends (see `migrations/`).

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        last_sign_in_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        client_id -> Nullable<Text>,
        language -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        expires_at -> BigInt,
        user_agent -> Text,
        ip -> Text,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        window_started_at -> BigInt,
        locked_until -> BigInt,
        in_flight -> Integer,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> BigInt,
        actor_id -> Nullable<Text>,
        actor_email -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        summary -> Text,
        ip -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        version -> BigInt,
        full_name -> Text,
        latin_name -> Text,
        search_text -> Text,
        email -> Text,
        phone -> Text,
        address -> Text,
        date_of_birth -> Text,
        nationality -> Text,
        passport_number -> Text,
        passport_expiry -> Text,
        profile -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        created_by -> Nullable<Text>,
        preferred_language -> Text,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        reference -> Text,
        client_id -> Text,
        programme -> Text,
        stage -> Text,
        priority -> Text,
        attorney_id -> Nullable<Text>,
        paralegal_id -> Nullable<Text>,
        opened_on -> Text,
        target_filing_on -> Text,
        filed_on -> Text,
        decision_on -> Text,
        internal_notes -> Text,
        version -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    case_events (id) {
        id -> Text,
        case_id -> Text,
        seq -> BigInt,
        at -> BigInt,
        actor_id -> Nullable<Text>,
        actor_name -> Text,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        note -> Text,
    }
}

diesel::table! {
    case_counters (year) {
        year -> Integer,
        last -> BigInt,
    }
}

diesel::table! {
    case_tasks (id) {
        id -> Text,
        case_id -> Text,
        title -> Text,
        due_on -> Text,
        assignee_id -> Nullable<Text>,
        done -> Bool,
        done_at -> Nullable<BigInt>,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    client_terms (term, client_id) {
        term -> Text,
        client_id -> Text,
    }
}

diesel::table! {
    checklist_items (id) {
        id -> Text,
        case_id -> Text,
        kind -> Text,
        required -> Bool,
        position -> Integer,
        status -> Text,
        reason -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        case_id -> Text,
        item_id -> Text,
        version -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        key_id -> Text,
        wrapped_key -> Text,
        duplicate_of -> Nullable<Text>,
        uploaded_by -> Nullable<Text>,
        uploaded_by_name -> Text,
        by_applicant -> Bool,
        uploaded_at -> BigInt,
        review -> Text,
        review_reason -> Text,
        reviewed_by_name -> Text,
        reviewed_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        client_id -> Text,
        email -> Text,
        token_hash -> Text,
        created_by -> Nullable<Text>,
        created_by_name -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    firm_settings (name) {
        name -> Text,
        value -> Text,
        updated_at -> BigInt,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    assessments (id) {
        id -> Text,
        case_id -> Text,
        client_id -> Text,
        client_version -> BigInt,
        assessed_on -> Text,
        rules_version -> Text,
        profile -> Text,
        result -> Text,
        created_by -> Nullable<Text>,
        created_by_name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        message_id -> Text,
        category -> Text,
        recipient_id -> Nullable<Text>,
        to_address -> Text,
        to_name -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        sensitive -> Bool,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        lease_until -> Nullable<BigInt>,
        leased_by -> Text,
        last_error -> Text,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        requested_by -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        case_id -> Nullable<Text>,
        title -> Text,
        link -> Text,
        created_at -> BigInt,
        read_at -> Nullable<BigInt>,
        event -> Text,
    }
}

diesel::table! {
    case_messages (id) {
        id -> Text,
        case_id -> Text,
        author_id -> Nullable<Text>,
        author_name -> Text,
        from_firm -> Bool,
        body -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    message_reads (case_id, user_id) {
        case_id -> Text,
        user_id -> Text,
        from_firm -> Bool,
        seen_at -> BigInt,
    }
}

diesel::table! {
    calendar_feeds (user_id) {
        user_id -> Text,
        token_hash -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    mail_preferences (user_id, category) {
        user_id -> Text,
        category -> Text,
        delivery -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    digest_items (id) {
        id -> Text,
        user_id -> Text,
        category -> Text,
        subject -> Text,
        detail -> Text,
        link -> Text,
        created_at -> BigInt,
        digest_day -> Nullable<Text>,
    }
}

diesel::table! {
    digest_runs (day) {
        day -> Text,
        ran_by -> Text,
        ran_at -> BigInt,
        emails -> Integer,
    }
}

diesel::table! {
    totp_secrets (id) {
        id -> Text,
        user_id -> Text,
        key_id -> Text,
        sealed_secret -> Text,
        created_at -> BigInt,
        confirmed_at -> Nullable<BigInt>,
        last_step -> BigInt,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        user_id -> Text,
        code_hash -> Text,
        created_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sign_in_challenges (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        failures -> Integer,
        user_agent -> Text,
        ip -> Text,
    }
}

diesel::table! {
    passkeys (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        credential_id -> Text,
        rp_id -> Text,
        credential -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    passkey_ceremonies (id) {
        id -> Text,
        kind -> Text,
        user_id -> Nullable<Text>,
        challenge_id -> Nullable<Text>,
        site -> Text,
        state -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    known_browsers (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        user_agent -> Text,
        first_seen -> BigInt,
        last_seen -> BigInt,
    }
}

diesel::table! {
    scrub_runs (id) {
        id -> Text,
        slot -> Nullable<BigInt>,
        ran_by -> Text,
        started_at -> BigInt,
        finished_at -> Nullable<BigInt>,
        checked -> BigInt,
        bytes -> BigInt,
        missing -> BigInt,
        corrupt -> BigInt,
        unreadable -> BigInt,
        orphaned -> BigInt,
        findings -> Text,
        failure -> Nullable<Text>,
    }
}

diesel::joinable!(passkeys -> users (user_id));
diesel::joinable!(known_browsers -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(mail_preferences -> users (user_id));
diesel::joinable!(digest_items -> users (user_id));
diesel::joinable!(case_messages -> cases (case_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(totp_secrets -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(sign_in_challenges -> users (user_id));
diesel::joinable!(assessments -> cases (case_id));
diesel::joinable!(cases -> clients (client_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_tasks -> cases (case_id));
diesel::joinable!(checklist_items -> cases (case_id));
diesel::joinable!(documents -> checklist_items (item_id));
diesel::joinable!(invitations -> clients (client_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    login_throttle,
    audit_log,
    clients,
    cases,
    case_events,
    case_counters,
    case_tasks,
    client_terms,
    checklist_items,
    documents,
    invitations,
    firm_settings,
    assessments,
    outbox,
    password_resets,
    notifications,
    case_messages,
    message_reads,
    calendar_feeds,
    mail_preferences,
    digest_items,
    digest_runs,
    scrub_runs,
    totp_secrets,
    recovery_codes,
    sign_in_challenges,
    passkeys,
    passkey_ceremonies,
    known_browsers
);
