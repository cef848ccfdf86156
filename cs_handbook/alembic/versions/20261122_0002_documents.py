"""documents: documents, versions, workflow history, sections, tags, links and the full-text index

Revision ID: 20261122_0002
Revises: 20261122_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "20261122_0002"
down_revision = "20261122_0001"
branch_labels = None
depends_on = None

# documents <-> document_versions reference each other. SQLite accepts the
# forward reference inline (and cannot add constraints later); PostgreSQL
# gets them with ALTER TABLE once both tables exist.
_VERSION_FKS = (
    ("latest_version_id", "fk_documents_latest_version"),
    ("published_version_id", "fk_documents_published_version"),
    ("loaded_version_id", "fk_documents_loaded_version"),
)


def _is_sqlite():
    return op.get_bind().dialect.name == "sqlite"


def _version_fks():
    if not _is_sqlite():
        return []
    return [sa.ForeignKeyConstraint([column], ["document_versions.id"], name=name, ondelete="SET NULL") for column, name in _VERSION_FKS]


def upgrade():
    op.create_table('document_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_sections')),
    sa.UniqueConstraint('path', name=op.f('uq_document_sections_path'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('latest_version_id', sa.Integer(), nullable=True),
    sa.Column('published_version_id', sa.Integer(), nullable=True),
    sa.Column('loaded_version_id', sa.Integer(), nullable=True),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    *_version_fks(),
    sa.ForeignKeyConstraint(['owner_id'], ['accounts.id'], name=op.f('fk_documents_owner_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['document_sections.id'], name=op.f('fk_documents_section_id_document_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('slug', name=op.f('uq_documents_slug'))
    )
    op.create_index('ix_documents_kind_state', 'documents', ['kind', 'state'], unique=False)
    op.create_index(op.f('ix_documents_owner_id'), 'documents', ['owner_id'], unique=False)
    op.create_index('ix_documents_published_at', 'documents', ['published_at'], unique=False)
    op.create_index(op.f('ix_documents_section_id'), 'documents', ['section_id'], unique=False)
    op.create_table('document_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('target_slug', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_links_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_links')),
    sa.UniqueConstraint('document_id', 'target_slug', name='uq_document_links_pair')
    )
    op.create_index(op.f('ix_document_links_document_id'), 'document_links', ['document_id'], unique=False)
    op.create_index(op.f('ix_document_links_target_slug'), 'document_links', ['target_slug'], unique=False)
    op.create_table('document_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_tags_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_tags')),
    sa.UniqueConstraint('document_id', 'tag', name='uq_document_tags_pair')
    )
    op.create_index(op.f('ix_document_tags_document_id'), 'document_tags', ['document_id'], unique=False)
    op.create_index(op.f('ix_document_tags_tag'), 'document_tags', ['tag'], unique=False)
    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_document_versions_author_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['base_version_id'], ['document_versions.id'], name=op.f('fk_document_versions_base_version_id_document_versions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_versions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('document_id', 'number', name='uq_document_versions_number')
    )
    op.create_table('document_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_document_transitions_actor_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_transitions_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_document_transitions_version_id_document_versions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_transitions'))
    )
    op.create_index(op.f('ix_document_transitions_document_id'), 'document_transitions', ['document_id'], unique=False)
    if not _is_sqlite():
        for column, name in _VERSION_FKS:
            op.create_foreign_key(name, "documents", "document_versions", [column], ["id"], ondelete="SET NULL")
    # Full-text index over jieba-segmented words (space separated), one row
    # per published document; unmanaged by the models (see migrations.py).
    if _is_sqlite():
        op.execute("CREATE VIRTUAL TABLE fts_documents USING fts5(document_id UNINDEXED, kind UNINDEXED, "
                   "title, body, tokenize = 'unicode61')")
    else:
        op.execute("CREATE TABLE fts_documents (document_id integer PRIMARY KEY REFERENCES documents(id) "
                   "ON DELETE CASCADE, kind varchar(16) NOT NULL, title text NOT NULL, body text NOT NULL, "
                   "tokens tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_fts_documents_tokens ON fts_documents USING gin (tokens)")


def downgrade():
    op.execute("DROP TABLE IF EXISTS fts_documents")
    if not _is_sqlite():
        for _column, name in _VERSION_FKS:
            op.drop_constraint(name, "documents", type_="foreignkey")
    for table in ("document_transitions", "document_tags", "document_links", "document_versions", "documents",
                  "document_sections"):
        op.drop_table(table)
