from django.urls import path

from curation import views

app_name = "curation"
urlpatterns = [
    path("", views.index, name="index"),
    # Not lists/new/: that is the edit address of a list whose slug is "new".
    path("lists/", views.list_new, name="list-new"),
    path("lists/<slug:slug>/", views.list_edit, name="list-edit"),
    path("lists/<slug:slug>/feature/", views.list_feature, name="list-feature"),
    path("lists/<slug:slug>/members/", views.member_add, name="member-add"),
    path("lists/<slug:slug>/members/remove/", views.member_remove, name="member-remove"),
    path("lists/<slug:slug>/members/move/", views.member_move, name="member-move"),
    path("lists/<slug:slug>/members/order/", views.members_order, name="members-order"),
    path("lists/<slug:slug>/catalogue/", views.catalogue, name="catalogue"),
    path("lists/<slug:slug>/catalogue/add/", views.catalogue_add, name="catalogue-add"),
    path("jobs/<str:pk>/", views.job, name="job"),
    path("jobs/<str:pk>/retry/", views.job_retry, name="job-retry"),
]
