"""training: courses, items, paths per position, enrolments, progress, sign-offs, certificates

Revision ID: 20261122_0003
Revises: 20261122_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "20261122_0003"
down_revision = "20261122_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=True),
    sa.Column('draft_saved_at', sa.DateTime(), nullable=True),
    sa.Column('draft_by_id', sa.Integer(), nullable=True),
    sa.Column('file_digest', sa.String(length=64), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['draft_by_id'], ['accounts.id'], name=op.f('fk_training_courses_draft_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_courses')),
    sa.UniqueConstraint('slug', name=op.f('uq_training_courses_slug'))
    )
    op.create_table('training_paths',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=True),
    sa.Column('draft_saved_at', sa.DateTime(), nullable=True),
    sa.Column('draft_by_id', sa.Integer(), nullable=True),
    sa.Column('file_digest', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['draft_by_id'], ['accounts.id'], name=op.f('fk_training_paths_draft_by_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_paths')),
    sa.UniqueConstraint('position_code', name=op.f('uq_training_paths_position_code'))
    )
    op.create_table('training_course_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_course_items_course_id_training_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_course_items')),
    sa.UniqueConstraint('course_id', 'key', name='uq_training_course_items_course_key')
    )
    op.create_index(op.f('ix_training_course_items_course_id'), 'training_course_items', ['course_id'], unique=False)
    op.create_table('training_path_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=False),
    sa.Column('half_day', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_path_steps_course_id_training_courses')),
    sa.ForeignKeyConstraint(['path_id'], ['training_paths.id'], name=op.f('fk_training_path_steps_path_id_training_paths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_path_steps'))
    )
    op.create_index(op.f('ix_training_path_steps_course_id'), 'training_path_steps', ['course_id'], unique=False)
    op.create_index(op.f('ix_training_path_steps_path_id'), 'training_path_steps', ['path_id'], unique=False)
    op.create_table('training_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_training_certificates_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['path_id'], ['training_paths.id'], name=op.f('fk_training_certificates_path_id_training_paths')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_certificates')),
    sa.UniqueConstraint('account_id', 'path_id', name='uq_training_certificates_account_path')
    )
    op.create_index(op.f('ix_training_certificates_account_id'), 'training_certificates', ['account_id'], unique=False)
    op.create_table('training_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('finish_by', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_training_enrolments_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['path_id'], ['training_paths.id'], name=op.f('fk_training_enrolments_path_id_training_paths')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_enrolments')),
    sa.UniqueConstraint('account_id', name=op.f('uq_training_enrolments_account_id'))
    )
    op.create_index(op.f('ix_training_enrolments_path_id'), 'training_enrolments', ['path_id'], unique=False)
    op.create_table('training_item_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_training_item_progress_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['training_course_items.id'], name=op.f('fk_training_item_progress_item_id_training_course_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_item_progress')),
    sa.UniqueConstraint('account_id', 'item_id', name='uq_training_item_progress_account_item')
    )
    op.create_index(op.f('ix_training_item_progress_account_id'), 'training_item_progress', ['account_id'], unique=False)
    op.create_index(op.f('ix_training_item_progress_item_id'), 'training_item_progress', ['item_id'], unique=False)
    op.create_table('training_overdue_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_training_overdue_marks_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['training_course_items.id'], name=op.f('fk_training_overdue_marks_item_id_training_course_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_overdue_marks')),
    sa.UniqueConstraint('account_id', 'item_id', name='uq_training_overdue_marks_account_item')
    )
    op.create_index(op.f('ix_training_overdue_marks_account_id'), 'training_overdue_marks', ['account_id'], unique=False)
    op.create_index(op.f('ix_training_overdue_marks_item_id'), 'training_overdue_marks', ['item_id'], unique=False)
    op.create_table('training_signoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('request_note', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_training_signoffs_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['accounts.id'], name=op.f('fk_training_signoffs_decided_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['training_course_items.id'], name=op.f('fk_training_signoffs_item_id_training_course_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_signoffs'))
    )
    op.create_index(op.f('ix_training_signoffs_item_id'), 'training_signoffs', ['item_id'], unique=False)
    # One open request per person and task (partial: decided requests are history).
    op.create_index('uq_training_signoffs_open', 'training_signoffs', ['account_id', 'item_id'], unique=True,
                    sqlite_where=sa.text('decided_at IS NULL'), postgresql_where=sa.text('decided_at IS NULL'))


def downgrade():
    op.drop_index('uq_training_signoffs_open', table_name='training_signoffs')
    op.drop_index(op.f('ix_training_signoffs_item_id'), table_name='training_signoffs')
    op.drop_table('training_signoffs')
    op.drop_index(op.f('ix_training_overdue_marks_item_id'), table_name='training_overdue_marks')
    op.drop_index(op.f('ix_training_overdue_marks_account_id'), table_name='training_overdue_marks')
    op.drop_table('training_overdue_marks')
    op.drop_index(op.f('ix_training_item_progress_item_id'), table_name='training_item_progress')
    op.drop_index(op.f('ix_training_item_progress_account_id'), table_name='training_item_progress')
    op.drop_table('training_item_progress')
    op.drop_index(op.f('ix_training_enrolments_path_id'), table_name='training_enrolments')
    op.drop_table('training_enrolments')
    op.drop_index(op.f('ix_training_certificates_account_id'), table_name='training_certificates')
    op.drop_table('training_certificates')
    op.drop_index(op.f('ix_training_path_steps_path_id'), table_name='training_path_steps')
    op.drop_index(op.f('ix_training_path_steps_course_id'), table_name='training_path_steps')
    op.drop_table('training_path_steps')
    op.drop_index(op.f('ix_training_course_items_course_id'), table_name='training_course_items')
    op.drop_table('training_course_items')
    op.drop_table('training_paths')
    op.drop_table('training_courses')
