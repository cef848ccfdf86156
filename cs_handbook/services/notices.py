"""NoticeService: leave and read notices for a person (used by sweeps and workflows)."""

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..clock import Clock
from ..models.notices import Notice


class NoticeService:
    def __init__(self, dbsession, clock: Clock):
        self.dbsession = dbsession
        self.clock = clock

    def leave(self, account_id: int, kind: str, message: str, dedupe_key: str, mapping=None, link="") -> bool:
        """Leave a notice unless one with the same key exists; True if a new one was left."""
        exists = self.dbsession.scalar(
            select(Notice.id).where(Notice.account_id == account_id, Notice.dedupe_key == dedupe_key)
        )
        if exists:
            return False
        notice = Notice(
            account_id=account_id,
            kind=kind,
            message=message,
            mapping=mapping or {},
            link=link,
            dedupe_key=dedupe_key,
            created_at=self.clock.now(),
        )
        try:
            with self.dbsession.begin_nested():
                self.dbsession.add(notice)
        except IntegrityError:
            # Another process left the same notice in the meantime.
            return False
        return True

    def clear(self, dedupe_key: str) -> int:
        """Remove the notices left under `dedupe_key` (for anyone) once what they announce is over."""
        return self.dbsession.execute(delete(Notice).where(Notice.dedupe_key == dedupe_key)).rowcount

    def unread_count(self, account_id: int) -> int:
        return self.dbsession.scalar(
            select(func.count(Notice.id)).where(Notice.account_id == account_id, Notice.read_at.is_(None))
        )

    def for_account(self, account_id: int, limit: int = 50) -> list[Notice]:
        query = (
            select(Notice).where(Notice.account_id == account_id).order_by(Notice.created_at.desc()).limit(limit)
        )
        return list(self.dbsession.scalars(query))

    def mark_all_read(self, account_id: int) -> None:
        for notice in self.dbsession.scalars(
            select(Notice).where(Notice.account_id == account_id, Notice.read_at.is_(None))
        ):
            notice.read_at = self.clock.now()


def factory(context, request):
    return NoticeService(request.dbsession, request.find_service(Clock))


def includeme(config):
    config.register_service_factory(factory, NoticeService)
