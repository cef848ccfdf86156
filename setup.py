"""Packaging for cs_handbook: the app, its console scripts and the test extra."""

from setuptools import find_packages, setup

requires = [
    "alembic>=1.13",
    "argon2-cffi>=23.1",
    "babel>=2.14",
    "colander>=2.0",
    "deform>=3.0",
    "fsrs>=6.0,<7",
    "jieba>=0.42",
    "markdown-it-py>=3.0",
    "nh3>=0.2.17",
    "openpyxl>=3.1",
    "plaster_pastedeploy",
    "psycopg[binary]>=3.1",
    "pyramid>=2.0,<3",
    "pyramid_jinja2>=2.10",
    "pyramid_retry>=2.1",
    "pyramid_services>=2.2",
    "pyramid_tm>=2.5",
    "pyyaml>=6.0",
    "rapidfuzz>=3.0",
    "sqlalchemy>=2.0,<2.2",
    "transaction>=4.0",
    "waitress>=3.0",
    "zope.sqlalchemy>=3.1",
]

tests_require = [
    "axe-playwright-python>=0.1.8",  # bundles axe-core (MPL-2.0) for tests/browser/test_accessibility.py
    "factory-boy>=3.3",
    "hypothesis>=6.100",
    "mypy>=1.10",
    "playwright>=1.45",
    "pytest>=8.0",
    "pytest-cov>=5.0",
    "pytest-xdist>=3.5",
    "ruff>=0.5",
    "webtest>=3.0",
]

setup(
    name="cs_handbook",
    version="0.1.0",
    description="Customer-service handbook and training site",
    packages=find_packages(include=["cs_handbook", "cs_handbook.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=requires,
    extras_require={"test": tests_require},
    entry_points={
        "paste.app_factory": ["main = cs_handbook:main"],
        "console_scripts": [
            "cs-handbook = cs_handbook.scripts.cli:main",
        ],
    },
)
