DROP TABLE checklist_items;
