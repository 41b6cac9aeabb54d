use floorwalk_shared::{StockLog, stock_log::MovementCause};

use super::{Rows, Target};
use crate::{flatten::validate::Validated, stmt};

pub fn rows(t: &Target<'_>, log: &StockLog, validated: &Validated) -> Rows {
    let mut rows = Rows::default();
    let out = &mut rows.statements;
    if validated.full {
        out.push(stmt!(
            "DELETE FROM stock_movements WHERE document_id = $1 AND source_type = 'stock_log'",
            t.document_id
        ));
    }
    for movement in &log.movements {
        let cause = match movement.cause {
            MovementCause::Transfer => "transfer",
            MovementCause::Correction => "correction",
        };
        let qty = i64::try_from(movement.qty).unwrap_or(i64::MAX);
        let legs = [
            ("out", movement.from.as_ref(), -qty),
            ("in", movement.to.as_ref(), qty),
        ];
        for (leg, location, signed) in legs {
            let Some(location) = location else { continue };
            out.push(stmt!(
                "INSERT INTO stock_movements (document_id, site_id, entry_id, leg, source_type, cause, sku, location, \
                 qty, recorded_by, recorded_at, device, voided) \
                 VALUES ($1, $2, $3, $4, 'stock_log', $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (document_id, entry_id, leg) DO UPDATE SET sku = excluded.sku, \
                 location = excluded.location, qty = excluded.qty, voided = excluded.voided",
                t.document_id, t.site_id, &movement.id, leg, cause, &movement.sku, location, signed,
                &movement.recorded.by, &movement.recorded.at, &movement.recorded.device, movement.void.is_some(),
            ));
        }
    }
    rows
}
