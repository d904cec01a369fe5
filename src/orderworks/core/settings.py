"""Process settings, read from the environment with the ORDERWORKS_ prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERWORKS_", env_file=".env", extra="ignore")

    database_url: str = Field(default="sqlite:///var/orderworks.db")
    redis_url: str | None = None  # unset: the embedded SQLite job queue
    secret_key: str = "dev-secret-change-me"  # signs customer links and sessions; set it in production
    public_base_url: str = "http://127.0.0.1:8000"  # where customers reach /track: the links in emails start here
    var_dir: Path = Path("var")
    log_json: bool = False
    sql_echo: bool = False
    # Payments: the built-in test gateway (its own SQLite file, default var_dir/test_gateway.db) or Stripe.
    payment_gateway: Literal["test", "stripe"] = "test"
    test_gateway_path: Path | None = None
    stripe_api_key: str | None = None
    stripe_api_base: str | None = None  # e.g. a localstripe in tests; unset: api.stripe.com
    stripe_webhook_secret: str | None = None
    # Carriers: EasyPost for bought labels (the built-in carrier needs no settings).
    easypost_api_key: str | None = None
    easypost_api_base: str | None = None  # e.g. a recorded-response server in tests; unset: api.easypost.com/v2
    easypost_webhook_secret: str | None = None  # checks the HMAC signature of tracker webhooks when set


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
