"""The widgets Cài đặt › Chỉ tiêu is made of: which period and unit, the table of targets, the save bar."""
