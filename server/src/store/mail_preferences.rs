//! The `mail_preferences` table: how each person wants each category of email.

use crate::db::schema::mail_preferences;
use crate::db::DbConnection;
use crate::error::ServerError;
use diesel::prelude::*;
use visadesk_app::domain::delivery::{default_delivery, Delivery};
use visadesk_app::domain::mail::MailCategory;

/// How `user_id` wants `category`: their choice, else the default.
pub fn delivery(
    conn: &mut DbConnection,
    user_id: &str,
    category: MailCategory,
) -> Result<Delivery, ServerError> {
    let stored: Option<String> = mail_preferences::table
        .find((user_id, category.code()))
        .select(mail_preferences::delivery)
        .first(conn)
        .optional()?;
    match stored {
        None => Ok(default_delivery(category)),
        Some(code) => Delivery::from_code(&code).ok_or_else(|| {
            ServerError::CorruptData(format!(
                "the email choice \"{code}\" of user {user_id} for {} is unknown",
                category.code()
            ))
        }),
    }
}

/// Every choice `user_id` has made.
pub fn of_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<(MailCategory, Delivery)>, ServerError> {
    let rows: Vec<(String, String)> = mail_preferences::table
        .filter(mail_preferences::user_id.eq(user_id))
        .select((mail_preferences::category, mail_preferences::delivery))
        .load(conn)?;
    rows.into_iter()
        .map(|(category, delivery)| {
            match (
                MailCategory::from_code(&category),
                Delivery::from_code(&delivery),
            ) {
                (Some(c), Some(d)) => Ok((c, d)),
                _ => Err(ServerError::CorruptData(format!(
                    "user {user_id} has an unknown email choice: {category} = {delivery}"
                ))),
            }
        })
        .collect()
}

/// Records a choice (replacing an earlier one).
pub fn set(
    conn: &mut DbConnection,
    user_id: &str,
    category: MailCategory,
    delivery: Delivery,
    now: i64,
) -> Result<(), ServerError> {
    let updated = diesel::update(mail_preferences::table.find((user_id, category.code())))
        .set((
            mail_preferences::delivery.eq(delivery.code()),
            mail_preferences::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(mail_preferences::table)
            .values((
                mail_preferences::user_id.eq(user_id),
                mail_preferences::category.eq(category.code()),
                mail_preferences::delivery.eq(delivery.code()),
                mail_preferences::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
