"""quizzes: question bank (versioned), quizzes and slots, attempts with sequence-numbered responses, grades, stats

Revision ID: 20261122_0004
Revises: 20261122_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "20261122_0004"
down_revision = "20261122_0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_categories')),
    sa.UniqueConstraint('slug', name=op.f('uq_quiz_categories_slug'))
    )
    op.create_table('quizzes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('pass_mark', sa.Float(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('grading', sa.String(length=20), nullable=False),
    sa.Column('shuffle_questions', sa.Boolean(), nullable=False),
    sa.Column('shuffle_options', sa.Boolean(), nullable=False),
    sa.Column('one_per_page', sa.Boolean(), nullable=False),
    sa.Column('review_marks', sa.String(length=20), nullable=False),
    sa.Column('review_answers', sa.String(length=20), nullable=False),
    sa.Column('review_feedback', sa.String(length=20), nullable=False),
    sa.Column('review_sources', sa.String(length=20), nullable=False),
    sa.Column('open_at', sa.DateTime(), nullable=True),
    sa.Column('close_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes')),
    sa.UniqueConstraint('slug', name=op.f('uq_quizzes_slug'))
    )
    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('current_number', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_categories.id'], name=op.f('fk_quiz_questions_category_id_quiz_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions')),
    sa.UniqueConstraint('category_id', 'key', name='uq_quiz_questions_category_key')
    )
    op.create_table('quiz_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.Column('running_since', sa.DateTime(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('teams', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_stats_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_stats')),
    sa.UniqueConstraint('quiz_id', name=op.f('uq_quiz_stats_quiz_id'))
    )
    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('score_percent', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_quiz_attempts_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_attempts_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('quiz_id', 'account_id', 'number', name='uq_quiz_attempts_number')
    )
    op.create_index(op.f('ix_quiz_attempts_account_id'), 'quiz_attempts', ['account_id'], unique=False)
    op.create_index('ix_quiz_attempts_state_deadline', 'quiz_attempts', ['state', 'deadline'], unique=False)
    op.create_table('quiz_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('grade_percent', sa.Float(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_quiz_grades_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_grades_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_grades')),
    sa.UniqueConstraint('quiz_id', 'account_id', name='uq_quiz_grades_quiz_account')
    )
    op.create_table('quiz_question_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_question_versions_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question_versions')),
    sa.UniqueConstraint('question_id', 'number', name='uq_quiz_question_versions_number')
    )
    op.create_table('quiz_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_categories.id'], name=op.f('fk_quiz_slots_category_id_quiz_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_slots_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_slots_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_slots'))
    )
    op.create_index(op.f('ix_quiz_slots_quiz_id'), 'quiz_slots', ['quiz_id'], unique=False)
    op.create_table('quiz_attempt_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('order', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.Column('fraction', sa.Float(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_attempt_questions_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['accounts.id'], name=op.f('fk_quiz_attempt_questions_graded_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['quiz_question_versions.id'], name=op.f('fk_quiz_attempt_questions_version_id_quiz_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_questions')),
    sa.UniqueConstraint('attempt_id', 'position', name='uq_quiz_attempt_questions_position')
    )
    op.create_index(op.f('ix_quiz_attempt_questions_version_id'), 'quiz_attempt_questions', ['version_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_quiz_attempt_questions_version_id'), table_name='quiz_attempt_questions')
    op.drop_table('quiz_attempt_questions')
    op.drop_index(op.f('ix_quiz_slots_quiz_id'), table_name='quiz_slots')
    op.drop_table('quiz_slots')
    op.drop_table('quiz_question_versions')
    op.drop_table('quiz_grades')
    op.drop_index('ix_quiz_attempts_state_deadline', table_name='quiz_attempts')
    op.drop_index(op.f('ix_quiz_attempts_account_id'), table_name='quiz_attempts')
    op.drop_table('quiz_attempts')
    op.drop_table('quiz_stats')
    op.drop_table('quiz_questions')
    op.drop_table('quizzes')
    op.drop_table('quiz_categories')
