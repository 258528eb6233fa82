"""The admin answers in the language the staff's browser asks for (it has no language prefix), in Chinese too."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("labels", "labels@example.com", "pw")


@pytest.mark.parametrize(
    "page, chinese, english",
    [
        ("admin:ads_adcampaign_changelist", ["推广活动", "推广商品"], ["Ad campaigns", "Sponsored products"]),
        ("admin:ads_adcampaign_add", ["出价与预算", "最高单次点击费用", "投放时间"], ["Bid and budget", "Schedule"]),
        (
            "admin:experiments_experiment_add",
            ["流量比例（%）", "护栏指标", "目标人群"],
            ["Traffic percent", "Guardrail"],
        ),
        (
            "admin:offers_couponcampaign_add",
            ["领取资格", "券码有效天数", "选择与衡量"],
            ["Eligibility", "Code valid days"],
        ),
        ("admin:personalization_modelversion_changelist", ["模型版本", "个性化"], ["Model versions"]),
    ],
)
def test_admin_pages_render_in_chinese(client, superuser, page, chinese, english):
    # given a superuser whose browser asks for Chinese
    client.force_login(superuser)
    # when the page is opened
    response = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then its labels are Chinese
    assert response.status_code == 200
    body = response.content.decode()
    assert all(text in body for text in chinese), [text for text in chinese if text not in body]
    assert not [text for text in english if text in body]
